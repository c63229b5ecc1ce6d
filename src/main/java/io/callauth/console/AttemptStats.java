package io.callauth.console;

import io.callauth.attempts.AttemptTops;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The attempts page's count of the current filter and its top values (numbers, ranges, addresses, devices, apps, user
 * agents) over {@code [from, to)}: the filter's window, cut to {@code callauth.console.stats-window} before its end
 * ({@code cut} says so). {@code error}: why they were not counted (the pass took too long); then no lists.
 */
public record AttemptStats(long total, Instant from, Instant to, boolean cut, List<TopList> lists, String error) {

    /** one column's top values */
    public record TopList(String dim, String title, List<TopRow> rows) {
    }

    /** a value, its records, the log filtered by it (none for user agents: the log has no such filter), its block */
    public record TopRow(String value, long count, String link, BlockTarget block) {
    }

    static AttemptStats of(AttemptTops.Tops tops, Instant from, Instant to, boolean cut, Map<String, String> form) {
        List<TopList> lists = new ArrayList<>();
        for (var e : tops.by().entrySet()) {
            String dim = e.getKey();
            List<TopRow> rows = e.getValue().stream().map(t -> new TopRow(t.value(), t.count(),
                    dim.equals("userAgent") ? null : "/console/attempts?" + Links.query(Links.with(form, dim, t.value())),
                    block(dim, t.value(), t.count()))).toList();
            lists.add(new TopList(dim, title(dim), rows));
        }
        return new AttemptStats(tops.total(), from, to, cut, lists, null);
    }

    static AttemptStats failed(Instant from, Instant to, boolean cut, String error) {
        return new AttemptStats(0, from, to, cut, List.of(), error);
    }

    private static BlockTarget block(String dim, String value, long count) {
        String why = count + " records in the attempt log's filter";
        return switch (dim) {
            case "phone" -> BlockTarget.number(value, why);
            case "prefix" -> BlockTarget.range(value, why);
            case "ip" -> BlockTarget.network(value, why);
            case "deviceId" -> BlockTarget.device(value, why);
            case "appId" -> BlockTarget.app(value, why);
            default -> null;
        };
    }

    private static String title(String dim) {
        return switch (dim) {
            case "phone" -> "Numbers";
            case "prefix" -> "Ranges";
            case "ip" -> "Client addresses";
            case "deviceId" -> "Devices";
            case "appId" -> "Apps";
            case "userAgent" -> "User agents";
            default -> dim;
        };
    }

    /** "2026-12-05 10:00:07 – 2026-12-06 10:00:07" */
    public String range() {
        return Overview.minutes(from.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)) + " – "
                + Overview.minutes(to.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    /** the counted window's length in whole hours (for "the filter's last 24 h") */
    public long hours() {
        return java.time.Duration.between(from, to).toHours();
    }
}
