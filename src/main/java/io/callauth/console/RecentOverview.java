package io.callauth.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.callauth.attempts.ArchiveQuery;
import io.callauth.attempts.AttemptArchive;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The overview of the last 15 minutes, to the minute: the hourly rollups cannot cut an hour, so this reads the
 * archive's rows of these minutes and the 15 before them, through the time indexes: the verification rows
 * ({@code attempt_verifications}: starts, and approvals counted with the start they belong to, as the rollups count
 * them) and the attempt records of calls and refusals. The alerts: absolute evidence over these minutes, the ranges
 * the prefix limit throttled in them, and the rollups' alerts of the current hour. Blocking JDBC: worker threads.
 */
@ApplicationScoped
public class RecentOverview {

    /** GROUPING(country, prefix, provider, app_id) of each grouping set → the dimension and its title */
    private static final Map<Integer, String[]> SETS = Map.of(7, new String[]{"country", "country"},
            11, new String[]{"prefix", "prefix"}, 13, new String[]{"provider", "provider"},
            14, new String[]{"appId", "app"});
    private static final List<String> ORDER = List.of("country", "prefix", "provider", "appId");

    private final AttemptArchive archive;
    private final AgroalDataSource dataSource;
    private final ObjectMapper json;
    private final OverviewAlerts alerts;

    public RecentOverview(AttemptArchive archive, AgroalDataSource dataSource, ObjectMapper json,
                          OverviewAlerts alerts) {
        this.archive = archive;
        this.dataSource = dataSource;
        this.json = json;
        this.alerts = alerts;
    }

    /** one value of a dimension: its starts and approvals in the window and in the previous one */
    private record Group(String value, long started, long approved, long prevStarted, long prevApproved) {
    }

    /** the records' side of the window: per minute, calls placed and delivered and refusals; refusals by rule */
    private record Flows(Map<Instant, long[]> minutes, Map<String, Long> refusals, Map<String, Long> throttled) {
    }

    Overview overview(OverviewWindow w, Instant now) throws SQLException {
        long t0 = System.nanoTime();
        archive.ensureSchema();
        Instant hour = w.to().truncatedTo(ChronoUnit.HOURS);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Map<Instant, long[]>> startsF = pool.submit(() -> starts(w));
            Future<Map<String, List<Group>>> groupsF = pool.submit(() -> groups(w));
            Future<Flows> flowsF = pool.submit(() -> flows(w));
            Future<List<Overview.Alert>> hourlyF = pool.submit(() -> alerts.alerts(hour, hour.plus(Duration.ofHours(1))));
            return overview(w, ArchiveQuery.join(startsF), ArchiveQuery.join(groupsF), ArchiveQuery.join(flowsF),
                    ArchiveQuery.join(hourlyF), t0, now);
        }
    }

    private Overview overview(OverviewWindow w, Map<Instant, long[]> starts, Map<String, List<Group>> groups,
                              Flows flows, List<Overview.Alert> hourly, long t0, Instant now) {
        List<String> labels = new ArrayList<>();
        List<Long> started = new ArrayList<>(), approved = new ArrayList<>(), refused = new ArrayList<>();
        long[] t = new long[5];
        for (Instant m = w.from().truncatedTo(ChronoUnit.MINUTES); m.isBefore(w.to()); m = m.plus(Duration.ofMinutes(1))) {
            long[] s = starts.getOrDefault(m, new long[2]);
            long[] f = flows.minutes().getOrDefault(m, new long[3]);
            labels.add(m.toString());
            started.add(s[0]);
            approved.add(s[1]);
            refused.add(f[2]);
            t[0] += s[0];
            t[1] += s[1];
            t[2] += f[0];
            t[3] += f[1];
            t[4] += f[2];
        }
        List<Overview.Refusal> byRule = flows.refusals().entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> new Overview.Refusal(e.getKey(), e.getValue())).toList();

        List<Overview.Breakdown> breakdowns = new ArrayList<>();
        List<Overview.Alert> out = new ArrayList<>();
        for (String dim : ORDER) {
            List<Group> all = groups.getOrDefault(dim, List.of());
            List<Overview.Row> rows = new ArrayList<>();
            all.stream().limit(ConsoleQueries.TOP).forEach(g -> {
                boolean drop = g.prevStarted() > 0 && g.prevApproved() / (double) g.prevStarted()
                        - g.approved() / (double) g.started() >= ConsoleQueries.DROP_POINTS;
                rows.add(ConsoleQueries.row(dim, g.value(), g.started(), g.approved(),
                        g.prevStarted() > 0 ? Overview.percent(g.prevStarted(), g.prevApproved()) : "–", drop));
            });
            breakdowns.add(new Overview.Breakdown(dim, title(dim), rows, Math.max(0, all.size() - rows.size())));
            if (dim.equals("prefix") || dim.equals("appId")) {
                all.stream().filter(g -> !g.value().isEmpty() && alerts.evidence(g.started(), g.approved()))
                        .forEach(g -> out.add(alerts.noApprovals(Overview.Span.RECENT, w.from(), dim, g.value(), g.started(), g.approved())));
            }
        }
        // the rollups' alerts of this hour, but for the keys these minutes already name
        java.util.Set<String> named = new java.util.HashSet<>();
        out.forEach(a -> named.add(a.scope() + " " + a.key()));
        hourly.stream().filter(a -> !named.contains(a.scope() + " " + a.key())).forEach(out::add);
        List<Overview.Throttled> throttled = flows.throttled().entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(alerts.throttledShown())
                .map(e -> OverviewAlerts.throttled(e.getKey(), e.getValue())).toList();
        Overview.Totals totals = new Overview.Totals(t[0], t[1], t[2], t[3], t[4], byRule);
        return new Overview(w.name(), w.from(), w.to(), totals,
                ConsoleQueries.chart(json, "minute", labels, started, approved, refused), breakdowns, out, throttled,
                (System.nanoTime() - t0) / 1_000_000, now, null);
    }

    private static String title(String dim) {
        return dim.equals("appId") ? "app" : dim;
    }

    /** starts and (eventual) approvals per minute of their start */
    private Map<Instant, long[]> starts(OverviewWindow w) throws SQLException {
        String sql = """
                SELECT date_trunc('minute', started_at), count(*), count(approved_at) FROM attempt_verifications
                WHERE started_at >= ? AND started_at < ? GROUP BY 1""";
        Map<Instant, long[]> out = new HashMap<>();
        read(sql, rs -> out.put(rs.getObject(1, OffsetDateTime.class).toInstant(),
                new long[]{rs.getLong(2), rs.getLong(3)}), utc(w.from()), utc(w.to()));
        return out;
    }

    /** each dimension's values with their starts and approvals, this window and the previous one; most started first */
    private Map<String, List<Group>> groups(OverviewWindow w) throws SQLException {
        String sql = """
                SELECT GROUPING(country, prefix, provider, app_id), coalesce(country, prefix, provider, app_id),
                       count(*) FILTER (WHERE started_at >= ?), count(approved_at) FILTER (WHERE started_at >= ?),
                       count(*) FILTER (WHERE started_at < ?), count(approved_at) FILTER (WHERE started_at < ?)
                FROM attempt_verifications WHERE started_at >= ? AND started_at < ?
                GROUP BY GROUPING SETS ((country), (prefix), (provider), (app_id))""";
        Map<String, List<Group>> out = new HashMap<>();
        OffsetDateTime from = utc(w.from());
        read(sql, rs -> {
            String[] set = SETS.get(rs.getInt(1));
            if (set != null && rs.getLong(3) > 0) {
                out.computeIfAbsent(set[0], k -> new ArrayList<>()).add(new Group(rs.getString(2), rs.getLong(3),
                        rs.getLong(4), rs.getLong(5), rs.getLong(6)));
            }
        }, from, from, from, from, utc(w.previous()), utc(w.to()));
        out.values().forEach(l -> l.sort(Comparator.comparingLong(Group::started).reversed()
                .thenComparing(Group::value)));
        return out;
    }

    /** calls placed and delivered and refusals per minute, refusals by rule, and the prefix limit's by range */
    private Flows flows(OverviewWindow w) throws SQLException {
        String sql = """
                SELECT date_trunc('minute', at), type, coalesce(outcome, ''), coalesce(rule, reason, 'unknown'),
                       coalesce(prefix, ''), count(*)
                FROM attempts WHERE at >= ? AND at < ? AND type IN ('call_placed', 'call_outcome', 'refused')
                GROUP BY 1, 2, 3, 4, 5""";
        Map<Instant, long[]> minutes = new HashMap<>();
        Map<String, Long> refusals = new TreeMap<>();
        Map<String, Long> throttled = new HashMap<>();
        read(sql, rs -> {
            long[] m = minutes.computeIfAbsent(rs.getObject(1, OffsetDateTime.class).toInstant(), k -> new long[3]);
            String type = rs.getString(2), outcome = rs.getString(3), rule = rs.getString(4), prefix = rs.getString(5);
            long n = rs.getLong(6);
            switch (type) {
                case "call_placed" -> m[0] += n;
                case "call_outcome" -> m[1] += "delivered".equals(outcome) ? n : 0;
                default -> {
                    boolean monitor = "monitor".equals(outcome);
                    // as the rollups: a monitor rule's would-be refusal under its own key, not counted as refused
                    refusals.merge(monitor ? rule + " (monitor)" : rule, n, Long::sum);
                    if (!monitor) {
                        m[2] += n;
                        if (rule.equals(OverviewAlerts.PREFIX_LIMIT) && !prefix.isEmpty()) {
                            throttled.merge(prefix, n, Long::sum);
                        }
                    }
                }
            }
        }, utc(w.from()), utc(w.to()));
        return new Flows(minutes, refusals, throttled);
    }

    private interface Row {
        void accept(ResultSet rs) throws SQLException;
    }

    private void read(String sql, Row row, Object... params) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ArchiveQuery.customPlan(c);
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    row.accept(rs);
                }
            }
            c.commit();
        }
    }

    private static OffsetDateTime utc(Instant i) {
        return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }
}
