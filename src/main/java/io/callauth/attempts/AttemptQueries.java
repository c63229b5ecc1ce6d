package io.callauth.attempts;

import io.agroal.api.AgroalDataSource;
import io.callauth.attempts.AttemptArchive.Counts;
import io.callauth.attempts.AttemptArchive.Page;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import static io.callauth.attempts.ArchiveQuery.utc;

/**
 * The reads of the attempt archive: the records (a page, or all of them streamed for an export) and the hourly
 * tables (rollups summed by group, medians from the time-to-approve histograms). Blocking JDBC: worker threads only.
 */
@ApplicationScoped
public class AttemptQueries {

    private final AgroalDataSource dataSource;
    private final ArchiveSchema schema;

    public AttemptQueries(AgroalDataSource dataSource, ArchiveSchema schema) {
        this.dataSource = dataSource;
        this.schema = schema;
    }

    /**
     * Newest first: by time, then by stream position within a millisecond ({@code attempt_seq(id)}, V6: numeric, so
     * that "...-10" comes before "...-9"), then by id. The order of the list and the export.
     */
    static final String NEWEST_FIRST = " ORDER BY at DESC, attempt_seq(id) DESC, id DESC";

    /** Newest first, {@code limit} at most; keyset paging on (at, attempt_seq(id), id). */
    public Page list(AttemptFilter filter, int limit) throws SQLException {
        schema.ensureSchema();
        List<Object> params = new ArrayList<>();
        String sql = "SELECT " + SELECT + ", attempt_seq(id) FROM attempts WHERE " + filter.where(params)
                + NEWEST_FIRST + " LIMIT " + (limit + 1);
        List<Attempt> items = new ArrayList<>(Math.min(limit + 1, 1001));
        long[] seqs = new long[limit + 1];
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    seqs[items.size()] = rs.getLong(19);
                    items.add(row(rs));
                }
            }
        }
        String next = null;
        if (items.size() > limit) {
            items = items.subList(0, limit);
            Attempt last = items.get(limit - 1);
            next = new AttemptFilter.Cursor(last.at().toEpochMilli(), seqs[limit - 1], last.id()).encode();
        }
        return new Page(List.copyOf(items), next);
    }

    /**
     * Every matching record, newest first, handed to {@code sink} one at a time from a server-side cursor (fetched
     * in slices of 1,000): memory does not grow with the number of rows. Answers how many were handed over.
     */
    public long export(AttemptFilter filter, Consumer<Attempt> sink) throws SQLException {
        schema.ensureSchema();
        List<Object> params = new ArrayList<>();
        String sql = "SELECT " + SELECT + " FROM attempts WHERE " + filter.where(params) + NEWEST_FIRST;
        long n = 0;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false); // the driver streams with a cursor only inside a transaction
            try (PreparedStatement ps = c.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                ps.setFetchSize(1000);
                bind(ps, params);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        sink.accept(row(rs));
                        n++;
                    }
                }
            } finally {
                c.rollback();
            }
        }
        return n;
    }


    /**
     * How a summary's {@code groupBy} reads the hourly tables (rollups, approval times): the dimension's rows
     * ({@code all} for hour and day) and the SQL expression of the group's key.
     */
    private record Grouping(String dim, String key) {
        static Grouping of(String groupBy) {
            return switch (groupBy) {
                case "hour" -> new Grouping("all", "hour");
                case "day" -> new Grouping("all", "date_trunc('day', hour, 'UTC')");
                case "provider", "country", "prefix", "appId" -> new Grouping(groupBy, "value");
                default -> throw new IllegalArgumentException(groupBy);
            };
        }
    }

    /** a group's flow counters as they are summed */
    private static final class Flows {
        long started;
        long approved;
        long callsPlaced;
        long callsDelivered;
        double spend;
    }

    /**
     * Sums the rollups of whole hours in [from, to) grouped by {@code groupBy}: provider, country, prefix, appId (the
     * value, "" when the records had none), hour or day (an ISO instant). Ordered by key.
     */
    public Map<String, Counts> rollup(String groupBy, Instant from, Instant to) throws SQLException {
        schema.ensureSchema();
        Grouping g = Grouping.of(groupBy);
        String dim = g.dim();
        String sql = "SELECT " + g.key() + " AS k, rule, sum(started), sum(approved), sum(calls_placed), sum(calls_delivered),"
                + " sum(refused), sum(spend), sum(prevented), sum(prevented_cost) FROM attempt_rollups WHERE dim = ? AND hour >= ? AND hour < ? GROUP BY 1, 2";
        Map<String, Flows> flows = new TreeMap<>();
        Map<String, Map<String, Long>> refusals = new HashMap<>();
        Map<String, Map<String, AttemptArchive.Prevented>> prevented = new HashMap<>();
        readGroups(sql, dim, from, to, (k, rs) -> {
            Flows f = flows.computeIfAbsent(k, x -> new Flows());
            f.started += rs.getLong(3);
            f.approved += rs.getLong(4);
            f.callsPlaced += rs.getLong(5);
            f.callsDelivered += rs.getLong(6);
            f.spend += rs.getDouble(8);
            String rule = rs.getString(2);
            if (!rule.isEmpty() && rs.getLong(7) > 0) {
                refusals.computeIfAbsent(k, x -> new TreeMap<>()).merge(rule, rs.getLong(7), Long::sum);
            }
            if (!rule.isEmpty() && rs.getLong(9) > 0) {
                prevented.computeIfAbsent(k, x -> new TreeMap<>()).merge(rule,
                        new AttemptArchive.Prevented(rs.getLong(9), rs.getDouble(10)), AttemptArchive.Prevented::plus);
            }
        });
        Map<String, Counts> out = new TreeMap<>();
        flows.forEach((k, f) -> out.put(k, new Counts(f.started, f.approved, f.callsPlaced, f.callsDelivered,
                refusals.getOrDefault(k, Map.of()), f.spend, prevented.getOrDefault(k, Map.of()))));
        return out;
    }

    /**
     * The median seconds from start to approval of the verifications started in [from, to), by the same groups as
     * {@link #rollup}, from the hourly histograms ({@link ApprovalTimes}); the key {@code null} holds the median over
     * all of them. A group without approvals has no entry.
     *
     * <p>By hour, the rows are read as stored (about 70,000 over 30 days: grouping them in PostgreSQL only adds a
     * hash aggregate); by the other groupings PostgreSQL sums the window's histograms by group and second first.
     */
    public Map<String, Double> medianSecondsToApprove(String groupBy, Instant from, Instant to) throws SQLException {
        schema.ensureSchema();
        Grouping g = Grouping.of(groupBy);
        String dim = g.dim();
        // by hour each (hour, seconds) row is a group's histogram bar already: read as stored, no grouping
        String sql = groupBy.equals("hour")
                ? "SELECT hour, seconds, approved FROM attempt_approval_times"
                + " WHERE dim = ? AND value = '' AND hour >= ? AND hour < ? AND approved > 0"
                : "SELECT " + g.key() + ", seconds, sum(approved) FROM attempt_approval_times"
                + " WHERE dim = ? AND hour >= ? AND hour < ? GROUP BY 1, 2";
        Map<String, ApprovalTimes> groups = new HashMap<>();
        ApprovalTimes all = ApprovalTimes.empty();
        readGroups(sql, dim, from, to, (k, rs) -> {
            int seconds = rs.getInt(2);
            long n = rs.getLong(3);
            groups.computeIfAbsent(k, x -> ApprovalTimes.empty()).add(seconds, n);
            // the groups of one dimension split the approvals: together they are the total
            all.add(seconds, n);
        });
        Map<String, Double> out = new HashMap<>();
        groups.forEach((k, h) -> out.put(k, h.median()));
        Double total = all.median();
        if (total != null) {
            out.put(null, total);
        }
        return out;
    }

    /** one row of a grouped read: its group's key (an ISO instant for hour and day) and the row */
    private interface GroupRow {
        void accept(String key, ResultSet rs) throws SQLException;
    }

    /**
     * Runs a grouped read of one dimension over [from, to) (parameters: dim, from, to; the group's key in column 1)
     * with the plan for these values, and hands each row to {@code row}.
     */
    private void readGroups(String sql, String dim, Instant from, Instant to, GroupRow row) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ArchiveQuery.customPlan(c);
            ps.setString(1, dim);
            ps.setObject(2, utc(from));
            ps.setObject(3, utc(to));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    row.accept(dim.equals("all") ? rs.getObject(1, OffsetDateTime.class).toInstant().toString()
                            : rs.getString(1), rs);
                }
            }
            c.commit();
        }
    }

    private static final String SELECT = "id, at, type, verification_id, phone, country, prefix, provider, channel,"
            + " outcome, reason, rule, api_key, ip, user_agent, app_id, device_id, detail::text";

    private static Attempt row(ResultSet rs) throws SQLException {
        return new Attempt(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getString(3),
                rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                rs.getString(10), rs.getString(11), rs.getString(12), rs.getString(13), rs.getString(14),
                rs.getString(15), rs.getString(16), rs.getString(17), Attempt.json(rs.getString(18)));
    }

    private static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            ps.setObject(i + 1, params.get(i));
        }
    }
}
