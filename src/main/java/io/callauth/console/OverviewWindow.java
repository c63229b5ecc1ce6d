package io.callauth.console;

import io.callauth.common.ApiProblem;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The overview's window [from, to): the last 15 minutes (read from the records, to the minute), the last hour, 24
 * hours, 7 or 30 days (whole hours, from the hourly rollups: they end with the current hour), or a custom range,
 * widened to whole hours (the rollups are hourly) and at most {@link #MAX_CUSTOM} long. Its previous window, the one
 * conversion is compared with, is as long and ends where it starts.
 */
public record OverviewWindow(String name, Instant from, Instant to) {

    static final String RECENT = "15m";
    static final String CUSTOM = "custom";
    static final String DEFAULT = "24h";
    /** a custom range reads the rollups live (no background computation): as long as the longest named window */
    static final Duration MAX_CUSTOM = Duration.ofDays(31);
    /** the window picker: name → length */
    static final Map<String, Duration> NAMED = named();

    private static Map<String, Duration> named() {
        Map<String, Duration> m = new LinkedHashMap<>();
        m.put(RECENT, Duration.ofMinutes(15));
        m.put("1h", Duration.ofHours(1));
        m.put("24h", Duration.ofHours(24));
        m.put("7d", Duration.ofDays(7));
        m.put("30d", Duration.ofDays(30));
        return m;
    }

    static boolean isNamed(String name) {
        return name != null && NAMED.containsKey(name);
    }

    /** a named window as of {@code now} (the name known to be one) */
    static OverviewWindow named(String name, Instant now) {
        Duration length = NAMED.get(name);
        if (name.equals(RECENT)) {
            Instant to = now.truncatedTo(ChronoUnit.SECONDS);
            return new OverviewWindow(name, to.minus(length), to);
        }
        Instant to = ConsoleQueries.windowEnd(now);
        return new OverviewWindow(name, to.minus(length), to);
    }

    /**
     * A custom range from the overview's form ("2026-12-01T10:00", UTC, or an ISO instant), widened to whole hours;
     * 400 {@code invalid_request} when a value is not a time, the range is empty or longer than {@link #MAX_CUSTOM}.
     */
    static OverviewWindow custom(String from, String to) {
        Instant f = parse(from, "from");
        Instant t = parse(to, "to");
        if (!f.isBefore(t)) {
            throw ApiProblem.invalidRequest("the range's start must be before its end");
        }
        Instant start = f.truncatedTo(ChronoUnit.HOURS);
        Instant end = t.truncatedTo(ChronoUnit.HOURS);
        if (end.isBefore(t)) {
            end = end.plus(Duration.ofHours(1));
        }
        if (Duration.between(start, end).compareTo(MAX_CUSTOM) > 0) {
            throw ApiProblem.invalidRequest("a custom range is at most " + MAX_CUSTOM.toDays() + " days long");
        }
        return new OverviewWindow(CUSTOM, start, end);
    }

    private static Instant parse(String v, String name) {
        if (v == null || v.isBlank()) {
            throw ApiProblem.invalidRequest("a custom range needs both its start and its end");
        }
        try {
            return Instant.parse(ConsolePages.instant(v.strip()));
        } catch (DateTimeParseException e) {
            throw ApiProblem.invalidRequest("the range's " + name + " is not a date and time");
        }
    }

    /** read from the records (to the minute) rather than the hourly rollups */
    public boolean recent() {
        return RECENT.equals(name);
    }

    public Duration length() {
        return Duration.between(from, to);
    }

    /** the start of the previous window of the same length */
    public Instant previous() {
        return from.minus(length());
    }

    /** the value for a datetime-local field (UTC, to the minute) */
    static String local(Instant i) {
        return i.truncatedTo(ChronoUnit.MINUTES).toString().replaceFirst(":00Z$", "").replace("Z", "");
    }

    public String fromField() {
        return local(from);
    }

    public String toField() {
        return local(to);
    }
}
