package io.callauth.attempts;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.callauth.attempts.VerificationRows.nz;

/**
 * The archive's hourly rollups ({@code attempt_rollups}: counters by hour, dimension and value, refusals by rule)
 * and time-to-approve histograms ({@code attempt_approval_times}), added to in the ingest transaction
 * ({@link ArchiveWriter}) for exactly the records it inserted.
 */
final class RollupWriter {

    /** the dimensions every record is counted under ("all": one row per hour) */
    static final List<String> DIMENSIONS = List.of("all", "provider", "country", "prefix", "appId");

    private RollupWriter() {
    }

    /** which counter of a rollup row a record adds to */
    enum Flow { STARTED, APPROVED, CALL_PLACED, CALL_DELIVERED, REFUSED }

    /** the counters of one rollup row, as added by one batch */
    static final class Counters {
        long started;
        long approved;
        long callsPlaced;
        long callsDelivered;
        long refused;
        double spend;
        long prevented;
        double preventedCost;

        void add(Flow flow) {
            switch (flow) {
                case STARTED -> started++;
                case APPROVED -> approved++;
                case CALL_PLACED -> callsPlaced++;
                case CALL_DELIVERED -> callsDelivered++;
                case REFUSED -> refused++;
            }
        }
    }

    /** a rollup row's key; rule is "" for the flow counters */
    record RollupKey(long hour, String dim, String value, String rule) implements Comparable<RollupKey> {
        @Override
        public int compareTo(RollupKey o) {
            int c = dim.compareTo(o.dim);
            if (c == 0) c = Long.compare(hour, o.hour);
            if (c == 0) c = value.compareTo(o.value);
            if (c == 0) c = rule.compareTo(o.rule);
            return c;
        }
    }

    /** a histogram row's key: the start's hour and dimension, and the rounded seconds to approve */
    record TimeKey(long hour, String dim, String value, int seconds) implements Comparable<TimeKey> {
        @Override
        public int compareTo(TimeKey o) {
            int c = dim.compareTo(o.dim);
            if (c == 0) c = Long.compare(hour, o.hour);
            if (c == 0) c = value.compareTo(o.value);
            if (c == 0) c = Integer.compare(seconds, o.seconds);
            return c;
        }
    }

    /**
     * What a record adds: {@code started} (its hour and dimensions), {@code approved} (its verification's start hour
     * and dimensions when the start is archived, else its own), {@code call_placed}, {@code call_outcome} delivered,
     * {@code refused} (under its rule, else its reason). Rows are written in one sorted order so that two ingesters
     * take their locks in the same order.
     */
    static void add(Connection c, List<AttemptLog.Entry> fresh, Map<String, VerificationRows.Cohort> cohorts)
            throws SQLException {
        TreeMap<RollupKey, Counters> sums = new TreeMap<>();
        TreeMap<TimeKey, Long> times = new TreeMap<>();
        for (AttemptLog.Entry e : fresh) {
            AttemptRecord r = e.record();
            Flow flow;
            String rule = "";
            long at = r.at();
            String provider = r.provider(), country = r.country(), prefix = r.prefix(), app = r.appId();
            switch (r.type()) {
                case "started" -> flow = Flow.STARTED;
                case "approved" -> {
                    flow = Flow.APPROVED;
                    VerificationRows.Cohort k = r.verificationId() == null ? null : cohorts.get(r.verificationId());
                    if (k != null) {
                        at = k.startedAt();
                        provider = k.provider();
                        country = k.country();
                        prefix = k.prefix();
                        app = k.appId();
                    }
                }
                case "call_placed" -> flow = Flow.CALL_PLACED;
                case "call_outcome" -> {
                    if (!"delivered".equals(r.outcome())) {
                        continue;
                    }
                    flow = Flow.CALL_DELIVERED;
                }
                case "refused" -> {
                    flow = Flow.REFUSED;
                    rule = r.rule() != null ? r.rule() : r.reason() != null ? r.reason() : "unknown";
                    if ("monitor".equals(r.outcome())) {
                        // a rule in monitor mode: what it would have refused, under its own key (nothing was refused)
                        rule = rule + " (monitor)";
                    }
                }
                default -> {
                    continue;
                }
            }
            long hour = at - Math.floorMod(at, 3_600_000L);
            String[] values = {"", nz(provider), nz(country), nz(prefix), nz(app)};
            double cost = flow == Flow.CALL_PLACED ? callCost(r) : 0;
            // a refused start that names the call it did not place (never a monitor-mode note)
            double prevented = flow == Flow.REFUSED && !"monitor".equals(r.outcome()) ? preventedCost(r) : -1;
            for (int d = 0; d < DIMENSIONS.size(); d++) {
                Counters k = sums.computeIfAbsent(new RollupKey(hour, DIMENSIONS.get(d), values[d], rule),
                        x -> new Counters());
                k.add(flow);
                k.spend += cost;
                if (prevented >= 0) {
                    k.prevented++;
                    k.preventedCost += prevented;
                }
            }
            VerificationRows.Cohort k = flow == Flow.APPROVED && r.verificationId() != null
                    ? cohorts.get(r.verificationId()) : null;
            if (k != null) {
                // the time to approve, in the histogram of the start's hour and dimensions (as the approval counts)
                int seconds = ApprovalTimes.round((r.at() - k.startedAt()) / 1000.0);
                for (int d = 0; d < DIMENSIONS.size(); d++) {
                    times.merge(new TimeKey(hour, DIMENSIONS.get(d), values[d], seconds), 1L, Long::sum);
                }
            }
        }
        approvalTimes(c, times);
        rollups(c, sums);
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /**
     * What a placed call cost: the placing provider's {@code cost} in the record's routing detail
     * ({@code {"providers": [{"provider", "cost"}, ...]}}), 0 when the record names none
     */
    static double callCost(AttemptRecord r) {
        if (r.detail() == null || r.provider() == null || !r.detail().contains("\"cost\"")) {
            return 0;
        }
        try {
            for (com.fasterxml.jackson.databind.JsonNode p : JSON.readTree(r.detail()).path("providers")) {
                if (r.provider().equals(p.path("provider").asText()) && p.path("cost").isNumber()) {
                    return p.path("cost").asDouble();
                }
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return 0;
        }
        return 0;
    }

    /**
     * What the call a refused start did not place would have cost: {@code prevented.cost} of the record's detail
     * ({@code {"prevented": {"provider", "cost"}}}, written with costs configured); -1 when the record names none
     */
    static double preventedCost(AttemptRecord r) {
        if (r.detail() == null || !r.detail().contains("\"prevented\"")) {
            return -1;
        }
        try {
            com.fasterxml.jackson.databind.JsonNode c = JSON.readTree(r.detail()).path("prevented").path("cost");
            return c.isNumber() && c.asDouble() >= 0 ? c.asDouble() : -1;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return -1;
        }
    }

    private static void rollups(Connection c, TreeMap<RollupKey, Counters> sums) throws SQLException {
        if (sums.isEmpty()) {
            return;
        }
        int n = sums.size();
        Long[] hour = new Long[n];
        String[] dim = new String[n], value = new String[n], rule = new String[n];
        Long[] started = new Long[n], approved = new Long[n], placed = new Long[n], delivered = new Long[n],
                refused = new Long[n];
        Double[] spend = new Double[n], preventedCost = new Double[n];
        Long[] prevented = new Long[n];
        int i = 0;
        for (var e : sums.entrySet()) {
            hour[i] = e.getKey().hour();
            dim[i] = e.getKey().dim();
            value[i] = e.getKey().value();
            rule[i] = e.getKey().rule();
            Counters k = e.getValue();
            started[i] = k.started;
            approved[i] = k.approved;
            placed[i] = k.callsPlaced;
            delivered[i] = k.callsDelivered;
            refused[i] = k.refused;
            spend[i] = k.spend;
            prevented[i] = k.prevented;
            preventedCost[i] = k.preventedCost;
            i++;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO attempt_rollups AS r (hour, dim, value, rule, started, approved, calls_placed,
                                                  calls_delivered, refused, spend, prevented, prevented_cost)
                SELECT timestamptz 'epoch' + u.h * interval '1 millisecond', u.dim, u.value, u.rule, u.s, u.a, u.p,
                       u.d, u.f, u.c, u.n, u.w
                FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[],
                            ?::bigint[], ?::bigint[], ?::float8[], ?::bigint[], ?::float8[])
                     AS u(h, dim, value, rule, s, a, p, d, f, c, n, w)
                ON CONFLICT (dim, hour, value, rule) DO UPDATE SET started = r.started + excluded.started,
                    approved = r.approved + excluded.approved, calls_placed = r.calls_placed + excluded.calls_placed,
                    calls_delivered = r.calls_delivered + excluded.calls_delivered, refused = r.refused + excluded.refused,
                    spend = r.spend + excluded.spend, prevented = r.prevented + excluded.prevented,
                    prevented_cost = r.prevented_cost + excluded.prevented_cost""")) {
            ps.setArray(1, c.createArrayOf("bigint", hour));
            ps.setArray(2, c.createArrayOf("text", dim));
            ps.setArray(3, c.createArrayOf("text", value));
            ps.setArray(4, c.createArrayOf("text", rule));
            ps.setArray(5, c.createArrayOf("bigint", started));
            ps.setArray(6, c.createArrayOf("bigint", approved));
            ps.setArray(7, c.createArrayOf("bigint", placed));
            ps.setArray(8, c.createArrayOf("bigint", delivered));
            ps.setArray(9, c.createArrayOf("bigint", refused));
            ps.setArray(10, c.createArrayOf("float8", spend));
            ps.setArray(11, c.createArrayOf("bigint", prevented));
            ps.setArray(12, c.createArrayOf("float8", preventedCost));
            ps.executeUpdate();
        }
    }

    /** Adds approvals to the time-to-approve histograms, in the same sorted order as the rollups. */
    private static void approvalTimes(Connection c, TreeMap<TimeKey, Long> times) throws SQLException {
        if (times.isEmpty()) {
            return;
        }
        int n = times.size();
        Long[] hour = new Long[n];
        Long[] count = new Long[n];
        Integer[] seconds = new Integer[n];
        String[] dim = new String[n], value = new String[n];
        int i = 0;
        for (var e : times.entrySet()) {
            hour[i] = e.getKey().hour();
            dim[i] = e.getKey().dim();
            value[i] = e.getKey().value();
            seconds[i] = e.getKey().seconds();
            count[i] = e.getValue();
            i++;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO attempt_approval_times AS t (dim, hour, value, seconds, approved)
                SELECT u.dim, timestamptz 'epoch' + u.h * interval '1 millisecond', u.value, u.s, u.n
                FROM unnest(?::text[], ?::bigint[], ?::text[], ?::int[], ?::bigint[]) AS u(dim, h, value, s, n)
                ON CONFLICT (dim, hour, value, seconds) DO UPDATE SET approved = t.approved + excluded.approved""")) {
            ps.setArray(1, c.createArrayOf("text", dim));
            ps.setArray(2, c.createArrayOf("bigint", hour));
            ps.setArray(3, c.createArrayOf("text", value));
            ps.setArray(4, c.createArrayOf("integer", seconds));
            ps.setArray(5, c.createArrayOf("bigint", count));
            ps.executeUpdate();
        }
    }
}
