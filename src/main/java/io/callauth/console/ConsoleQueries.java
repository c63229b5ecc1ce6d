package io.callauth.console;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The overview's reads: only the archive's hourly rollups (indexed by dimension and hour), never the raw records.
 * Blocking JDBC: called from worker threads.
 */
@ApplicationScoped
public class ConsoleQueries {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ConsoleQueries.class);

    /** conversion this many points below the previous window's is highlighted */
    static final double DROP_POINTS = 0.10;
    /** rows shown per breakdown */
    static final int TOP = 10;

    private final AttemptArchive archive;
    private final AgroalDataSource dataSource;
    private final ObjectMapper json;
    private final OverviewAlerts alerts;
    private final RecentOverview recent;
    private final boolean costs;

    public ConsoleQueries(AttemptArchive archive, AgroalDataSource dataSource, ObjectMapper json,
                          OverviewAlerts alerts, RecentOverview recent, io.callauth.routing.RoutingTable routing) {
        this.costs = routing.costs().configured();
        this.archive = archive;
        this.dataSource = dataSource;
        this.json = json;
        this.alerts = alerts;
        this.recent = recent;
    }

    /** the window's end: the end of the current hour (rollups are hourly) */
    static Instant windowEnd(Instant now) {
        return now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
    }

    /** a named window's overview as of {@code now} */
    public Overview overview(String window, Instant now) throws SQLException {
        return overview(OverviewWindow.named(window, now), now);
    }

    /** the overview of a window: the last 15 minutes from the records, the others from the hourly rollups */
    public Overview overview(OverviewWindow w, Instant now) throws SQLException {
        if (w.recent()) {
            return recent.overview(w, now);
        }
        long t0 = System.nanoTime();
        String window = w.name();
        Instant to = w.to();
        Instant from = w.from();
        Instant previous = w.previous();

        // the queries are independent: each runs on its own virtual thread and connection, the page waits for the
        // slowest instead of their sum
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Map<String, AttemptArchive.Counts>> hourlyF = pool.submit(() -> timed("hourly", () -> archive.rollup("hour", from, to)));
            List<Future<Overview.Breakdown>> breakdownF = new ArrayList<>();
            for (String[] d : new String[][]{{"country", "country"}, {"prefix", "prefix"}, {"provider", "provider"},
                    {"appId", "app"}}) {
                breakdownF.add(pool.submit(() -> timed(d[0], () -> breakdown(d[0], d[1], from, to, previous))));
            }
            Future<List<Overview.Alert>> alertsF = pool.submit(() -> timed("alerts", () -> alerts.alerts(from, to)));
            Future<List<Overview.Throttled>> throttledF = pool.submit(() -> timed("throttled",
                    () -> alerts.throttled(from, to)));
            List<Future<Overview.SpendBreakdown>> spendF = new ArrayList<>();
            if (costs) {
                for (String[] d : new String[][]{{"provider", "provider"}, {"country", "country"},
                        {"prefix", "range"}, {"appId", "app"}}) {
                    spendF.add(pool.submit(() -> timed("spend " + d[0], () -> spendBreakdown(d[0], d[1], from, to))));
                }
            }
            Map<String, AttemptArchive.Counts> hourly = ArchiveQuery.join(hourlyF);
            List<Overview.Breakdown> breakdowns = new ArrayList<>();
            for (var f : breakdownF) {
                breakdowns.add(ArchiveQuery.join(f));
            }
            List<Overview.SpendBreakdown> spend = new ArrayList<>();
            for (var f : spendF) {
                spend.add(ArchiveQuery.join(f));
            }
            Overview o = overview(window, from, to, hourly, breakdowns, ArchiveQuery.join(alertsF),
                    ArchiveQuery.join(throttledF), t0, now);
            return costs ? withSpend(o, hourly, spend) : o;
        }
    }

    /** the overview with its spend: the total and the prevented calls from the hourly rollups, the breakdowns */
    private static Overview withSpend(Overview o, Map<String, AttemptArchive.Counts> hourly,
                                      List<Overview.SpendBreakdown> breakdowns) {
        double total = 0;
        Map<String, AttemptArchive.Prevented> prevented = new java.util.TreeMap<>();
        for (AttemptArchive.Counts c : hourly.values()) {
            total += c.spend();
            c.prevented().forEach((r, p) -> prevented.merge(r, p, AttemptArchive.Prevented::plus));
        }
        long calls = 0;
        double cost = 0;
        List<Overview.PreventedRule> byRule = new ArrayList<>();
        for (var e : prevented.entrySet().stream()
                .sorted(Map.Entry.<String, AttemptArchive.Prevented>comparingByValue(
                        java.util.Comparator.comparingDouble(AttemptArchive.Prevented::cost)).reversed()).toList()) {
            calls += e.getValue().calls();
            cost += e.getValue().cost();
            byRule.add(new Overview.PreventedRule(e.getKey(), e.getValue().calls(), Overview.money(e.getValue().cost())));
        }
        Overview.Spend spend = new Overview.Spend(Overview.money(total), calls, Overview.money(cost), byRule,
                breakdowns);
        return new Overview(o.window(), o.from(), o.to(), o.totals(), o.chartJson(), o.breakdowns(), o.alerts(),
                o.throttled(),
                o.millis(), o.computedAt(), spend);
    }

    /** the window's values of one dimension by what their calls cost, the largest first (rows with spend only) */
    private Overview.SpendBreakdown spendBreakdown(String dim, String title, Instant from, Instant to)
            throws SQLException {
        archive.ensureSchema();
        String sql = """
                SELECT value, sum(calls_placed), sum(spend), count(*) OVER () FROM attempt_rollups
                WHERE dim = ? AND hour >= ? AND hour < ? AND rule = '' GROUP BY value HAVING sum(spend) > 0
                ORDER BY 3 DESC, value LIMIT ?""";
        List<Overview.SpendRow> rows = new ArrayList<>();
        long n = 0;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ArchiveQuery.customPlan(c);
            ps.setString(1, dim);
            ps.setObject(2, utc(from));
            ps.setObject(3, utc(to));
            ps.setInt(4, TOP);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String key = rs.getString(1).isEmpty() ? null : rs.getString(1);
                    n = rs.getLong(4);
                    rows.add(new Overview.SpendRow(key == null ? "(none)" : key,
                            key == null ? null : "/console/attempts?" + Links.query(Map.of(dim, key)), rs.getLong(2),
                            Overview.money(rs.getDouble(3))));
                }
            }
            c.commit();
        }
        return new Overview.SpendBreakdown(dim, title, rows, (int) Math.max(0, n - rows.size()));
    }

    @FunctionalInterface
    interface Query<T> {
        T run() throws SQLException;
    }

    private static <T> T timed(String what, Query<T> q) throws SQLException {
        long t0 = System.nanoTime();
        try {
            return q.run();
        } finally {
            LOG.debugf("console overview: %s read in %d ms", what, (System.nanoTime() - t0) / 1_000_000);
        }
    }

    private Overview overview(String window, Instant from, Instant to, Map<String, AttemptArchive.Counts> hourly,
                              List<Overview.Breakdown> breakdowns, List<Overview.Alert> alerts,
                              List<Overview.Throttled> throttled, long t0, Instant now) {
        long[] t = new long[5];
        Map<String, Long> refusals = new java.util.TreeMap<>();
        List<String> labels = new ArrayList<>();
        List<Long> started = new ArrayList<>(), approved = new ArrayList<>(), refused = new ArrayList<>();
        for (Instant h = from; h.isBefore(to); h = h.plus(Duration.ofHours(1))) {
            AttemptArchive.Counts c = hourly.get(h.toString());
            long r = c == null ? 0 : c.refusals().entrySet().stream().filter(e -> !e.getKey().endsWith(" (monitor)"))
                    .mapToLong(Map.Entry::getValue).sum();
            labels.add(h.toString());
            started.add(c == null ? 0 : c.started());
            approved.add(c == null ? 0 : c.approved());
            refused.add(r);
            if (c != null) {
                t[0] += c.started();
                t[1] += c.approved();
                t[2] += c.callsPlaced();
                t[3] += c.callsDelivered();
                t[4] += r;
                c.refusals().forEach((k, v) -> refusals.merge(k, v, Long::sum));
            }
        }
        List<Overview.Refusal> byRule = refusals.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> new Overview.Refusal(e.getKey(), e.getValue())).toList();
        Overview.Totals totals = new Overview.Totals(t[0], t[1], t[2], t[3], t[4], byRule);

        return new Overview(window, from, to, totals, chart(json, "hour", labels, started, approved, refused),
                breakdowns, alerts, throttled, (System.nanoTime() - t0) / 1_000_000, now, null);
    }

    /** the chart's data: one label (an ISO instant) per {@code step} (hour or minute) and the three series */
    static String chart(ObjectMapper json, String step, List<String> labels, List<Long> started, List<Long> approved,
                        List<Long> refused) {
        try {
            return json.writeValueAsString(Map.of("step", step, "labels", labels, "started", started,
                    "approved", approved, "refused", refused));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The window's top values of one dimension by starts, with the previous window's counts of the same values: one
     * statement over the rollups (the dimension's rows of both windows, read by the primary key's dim and hour).
     */
    private Overview.Breakdown breakdown(String dim, String title, Instant from, Instant to, Instant previous)
            throws SQLException {
        archive.ensureSchema();
        String sql = """
                WITH cur AS (
                    SELECT value, sum(started) AS s, sum(approved) AS a FROM attempt_rollups
                    WHERE dim = ? AND hour >= ? AND hour < ? AND rule = '' GROUP BY value HAVING sum(started) > 0),
                top AS (
                    SELECT value, s, a, count(*) OVER () AS n FROM cur ORDER BY s DESC, value LIMIT ?),
                prev AS (
                    SELECT value, sum(started) AS s, sum(approved) AS a FROM attempt_rollups
                    WHERE dim = ? AND hour >= ? AND hour < ? AND rule = '' AND value IN (SELECT value FROM top)
                    GROUP BY value)
                SELECT top.value, top.s, top.a, top.n, prev.s, prev.a FROM top LEFT JOIN prev USING (value)
                ORDER BY top.s DESC, top.value""";
        List<Overview.Row> rows = new ArrayList<>();
        long n = 0;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ArchiveQuery.customPlan(c);
            ps.setString(1, dim);
            ps.setObject(2, utc(from));
            ps.setObject(3, utc(to));
            ps.setInt(4, TOP);
            ps.setString(5, dim);
            ps.setObject(6, utc(previous));
            ps.setObject(7, utc(from));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String value = rs.getString(1);
                    long started = rs.getLong(2), approved = rs.getLong(3);
                    n = rs.getLong(4);
                    long ps0 = rs.getLong(5), pa = rs.getLong(6);
                    boolean drop = false;
                    String prev = "–";
                    if (ps0 > 0) {
                        prev = Overview.percent(ps0, pa);
                        drop = pa / (double) ps0 - approved / (double) started >= DROP_POINTS;
                    }
                    rows.add(row(dim, value, started, approved, prev, drop));
                }
            }
            c.commit();
        }
        return new Overview.Breakdown(dim, title, rows, (int) Math.max(0, n - rows.size()));
    }

    /** a breakdown's row: its value links to the log filtered by it; a range or app offers a block */
    static Overview.Row row(String dim, String value, long started, long approved, String previous, boolean drop) {
        String key = value == null || value.isEmpty() ? null : value;
        return new Overview.Row(key == null ? "(none)" : key, key == null ? null : OverviewAlerts.link(dim, key), started,
                approved, Overview.percent(started, approved), previous, drop, key == null ? null
                : OverviewAlerts.block(dim, key, started + " starts, conversion " + Overview.percent(started, approved)
                + " in the overview's window"));
    }

    private static OffsetDateTime utc(Instant i) {
        return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    static String label(Duration d) {
        return d.toHours() < 24 ? d.toHours() + " h" : d.toDays() + " d";
    }
}
