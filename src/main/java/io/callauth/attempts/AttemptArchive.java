package io.callauth.attempts;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The attempt archive in PostgreSQL: records partitioned by day, hourly rollups and one row per verification, all
 * written by {@link #store} in one transaction per batch. Blocking JDBC: called from worker threads only (the
 * ingester's scheduled job, the fraud API's blocking endpoints).
 */
@ApplicationScoped
public class AttemptArchive {

    private static final Logger LOG = Logger.getLogger(AttemptArchive.class);
    /** advisory lock keys: partition changes (one session at a time) and retention (one replica at a time) */
    static final long PARTITION_LOCK = 0x6361_6174_7470_0001L;
    static final long RETENTION_LOCK = 0x6361_6174_7470_0002L;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");
    static final List<String> DIMENSIONS = List.of("all", "provider", "country", "prefix", "appId");

    private final AgroalDataSource dataSource;
    private final Instance<Flyway> flyway;
    private final AttemptsConfig config;
    private final Clock clock;
    private volatile boolean migrated;
    /** days whose partition is known to exist (a cache: a miss costs one CREATE ... IF NOT EXISTS) */
    private final Set<LocalDate> knownDays = ConcurrentHashMap.newKeySet();

    public AttemptArchive(AgroalDataSource dataSource, Instance<Flyway> flyway, AttemptsConfig config, Clock clock) {
        this.dataSource = dataSource;
        this.flyway = flyway;
        this.config = config;
        this.clock = clock;
    }

    /** Migrates the schema once per process (Flyway's own lock keeps replicas from migrating at the same time). */
    public void ensureSchema() {
        if (!migrated) {
            synchronized (this) {
                if (!migrated) {
                    flyway.get().migrate();
                    migrated = true;
                }
            }
        }
    }

    // ---------------------------------------------------------------- ingest

    /** what one {@link #store} did */
    public record Stored(int inserted, int duplicates, int tooOld) {
    }

    /**
     * Inserts the records not archived yet and adds exactly those to the rollups and verification rows, in one
     * transaction: a batch delivered twice (a redelivery, two consumers racing) adds nothing the second time.
     * Records older than the retention are not archived (their day is gone).
     */
    public Stored store(List<AttemptLog.Entry> entries) throws SQLException {
        return store(entries, true);
    }

    /**
     * As {@link #store(List)}, but the commit does not wait for its WAL to reach the disk ({@code synchronous_commit =
     * off} for this transaction): the ingester's batches, whose stream entries are acknowledged only after a later
     * {@link #flush()}. A PostgreSQL crash may forget such a commit; its entries are then still pending in Redis and
     * are stored again (nothing is lost, and the primary key keeps anything from being doubled).
     */
    public Stored storeUnflushed(List<AttemptLog.Entry> entries) throws SQLException {
        return store(entries, false);
    }

    /**
     * Makes every commit before it durable: one small transaction committed synchronously (its commit record, after
     * theirs in the WAL, is flushed to disk with everything before it).
     */
    public void flush() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SET LOCAL synchronous_commit = on");
                st.execute("SELECT txid_current()"); // an id, hence a commit record to flush
            }
            c.commit();
        }
    }

    private Stored store(List<AttemptLog.Entry> entries, boolean durable) throws SQLException {
        ensureSchema();
        long cutoff = retentionCutoff().toEpochMilli();
        List<AttemptLog.Entry> keep = new ArrayList<>(entries.size());
        List<AttemptLog.Entry> calls = new ArrayList<>(); // call rows (CallArchive): call records, pushed CDRs
        int pushed = 0; // of which providers' pushed records (call_record): call rows only
        Set<LocalDate> days = new TreeSet<>();
        for (AttemptLog.Entry e : entries) {
            if (e.record().at() < cutoff || e.record().type() == null) {
                continue;
            }
            if (e.record().callRef() != null) {
                calls.add(e);
            }
            if (CallArchive.CALL_RECORD.equals(e.record().type())) {
                pushed++;
                continue; // a provider's pushed record of a call: a call row, not an attempt
            }
            keep.add(e);
            days.add(day(e.record().at()));
        }
        int tooOld = entries.size() - keep.size() - pushed;
        if (keep.isEmpty() && calls.isEmpty()) {
            return new Stored(0, 0, tooOld);
        }
        ensureDays(days);
        for (int attempt = 1; ; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    if (!durable) {
                        try (Statement st = c.createStatement()) {
                            st.execute("SET LOCAL synchronous_commit = off");
                        }
                    }
                    Set<String> inserted = keep.isEmpty() ? Set.of() : copyOrInsert(c, keep);
                    List<AttemptLog.Entry> fresh = keep.stream().filter(e -> inserted.contains(e.id())).toList();
                    Map<String, Cohort> cohorts = verifications(c, fresh);
                    rollups(c, fresh, cohorts);
                    CallArchive.store(c, calls); // the calls' rows (V2), idempotent upserts
                    c.commit();
                    return new Stored(inserted.size(), keep.size() - inserted.size(), tooOld);
                } catch (SQLException e) {
                    c.rollback();
                    // two ingesters adding to the same rollup rows may deadlock despite the sorted order; the
                    // transaction is rolled back whole, so trying again is safe
                    if (attempt < 3 && ("40P01".equals(e.getSQLState()) || "40001".equals(e.getSQLState()))) {
                        continue;
                    }
                    throw e;
                }
            }
        }
    }

    /**
     * The records in one {@code COPY} (the common case: none of them archived yet), under a savepoint; when one of them
     * is there already (a redelivery, another consumer racing) the COPY fails whole on the primary key and the batch
     * goes through {@link #insert}, which skips what exists. Either way the answer is the ids this transaction added.
     */
    private Set<String> copyOrInsert(Connection c, List<AttemptLog.Entry> entries) throws SQLException {
        Savepoint sp = c.setSavepoint();
        try {
            copy(c, entries);
            c.releaseSavepoint(sp);
            Set<String> ids = new HashSet<>(entries.size() * 2);
            entries.forEach(e -> ids.add(e.id()));
            if (ids.size() == entries.size()) {
                return ids;
            }
            // the same id twice in one batch cannot come from one stream; be exact anyway
            throw new SQLException("duplicate ids in one batch", "23505");
        } catch (SQLException e) {
            if (!"23505".equals(e.getSQLState())) {
                throw e;
            }
            c.rollback(sp);
            return insert(c, entries);
        }
    }

    private static final String COPY_SQL = "COPY attempts (id, at, type, verification_id, phone, country, prefix,"
            + " provider, channel, outcome, reason, rule, api_key, ip, user_agent, app_id, device_id) FROM STDIN";

    private static void copy(Connection c, List<AttemptLog.Entry> entries) throws SQLException {
        StringBuilder sb = new StringBuilder(entries.size() * 200);
        for (AttemptLog.Entry e : entries) {
            AttemptRecord r = e.record();
            field(sb, e.id());
            sb.append('\t').append(Instant.ofEpochMilli(r.at())).append('\t');
            field(sb, r.type());
            for (String v : new String[]{r.verificationId(), r.phone(), r.country(), r.prefix(), r.provider(),
                    r.channel(), r.outcome(), r.reason(), r.rule(), r.apiKey(), r.ip(), r.userAgent(), r.appId(),
                    r.deviceId()}) {
                sb.append('\t');
                field(sb, v);
            }
            sb.append('\n');
        }
        try {
            c.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn(COPY_SQL, new java.io.StringReader(sb.toString()), 64 * 1024);
        } catch (java.io.IOException e) {
            throw new SQLException("COPY of attempt records failed", "08006", e);
        }
    }

    /** one value in COPY's text format: null as \N, backslash and the separators escaped */
    static void field(StringBuilder sb, String v) {
        if (v == null) {
            sb.append("\\N");
            return;
        }
        for (int i = 0; i < v.length(); i++) {
            char ch = v.charAt(i);
            switch (ch) {
                case '\\' -> sb.append("\\\\");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\0' -> {
                    // PostgreSQL text cannot hold NUL: dropped rather than failing the batch again and again
                }
                default -> sb.append(ch);
            }
        }
    }

    private Set<String> insert(Connection c, List<AttemptLog.Entry> entries) throws SQLException {
        int n = entries.size();
        if (n == 0) {
            return Set.of();
        }
        String[][] cols = new String[16][n];
        Long[] at = new Long[n];
        for (int i = 0; i < n; i++) {
            AttemptLog.Entry e = entries.get(i);
            AttemptRecord r = e.record();
            at[i] = r.at();
            String[] v = {e.id(), r.type(), r.verificationId(), r.phone(), r.country(), r.prefix(), r.provider(),
                    r.channel(), r.outcome(), r.reason(), r.rule(), r.apiKey(), r.ip(), r.userAgent(), r.appId(),
                    r.deviceId()};
            for (int k = 0; k < v.length; k++) {
                cols[k][i] = v[k] == null ? null : v[k].replace("\0", "");
            }
        }
        String sql = """
                INSERT INTO attempts (id, at, type, verification_id, phone, country, prefix, provider, channel, outcome,
                                      reason, rule, api_key, ip, user_agent, app_id, device_id)
                SELECT u.id, timestamptz 'epoch' + u.at_ms * interval '1 millisecond', u.type, u.verification_id, u.phone,
                       u.country, u.prefix, u.provider, u.channel, u.outcome, u.reason, u.rule, u.api_key, u.ip,
                       u.user_agent, u.app_id, u.device_id
                FROM unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                            ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                            ?::text[])
                     AS u(id, at_ms, type, verification_id, phone, country, prefix, provider, channel, outcome, reason,
                          rule, api_key, ip, user_agent, app_id, device_id)
                ON CONFLICT DO NOTHING
                RETURNING id""";
        Set<String> inserted = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("text", cols[0]));
            ps.setArray(2, c.createArrayOf("bigint", at));
            for (int k = 1; k < 16; k++) {
                ps.setArray(k + 2, c.createArrayOf("text", cols[k]));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    inserted.add(rs.getString(1));
                }
            }
        }
        return inserted;
    }

    /** the start of a verification as its row keeps it: when, and the dimensions an approval is counted under */
    record Cohort(long startedAt, String provider, String country, String prefix, String appId) {
    }

    /**
     * Upserts the verification rows of new {@code started} and {@code approved} records; answers the cohort (start
     * time and dimensions) of each approved verification whose start is archived.
     */
    private Map<String, Cohort> verifications(Connection c, List<AttemptLog.Entry> fresh) throws SQLException {
        TreeMap<String, AttemptRecord> started = new TreeMap<>();
        TreeMap<String, Long> approved = new TreeMap<>();
        for (AttemptLog.Entry e : fresh) {
            AttemptRecord r = e.record();
            if (r.verificationId() == null) {
                continue;
            }
            if (r.type().equals("started")) {
                started.putIfAbsent(r.verificationId(), r);
            } else if (r.type().equals("approved")) {
                approved.merge(r.verificationId(), r.at(), Math::min);
            }
        }
        if (!started.isEmpty()) {
            int n = started.size();
            String[] vid = new String[n], prov = new String[n], country = new String[n], prefix = new String[n],
                    app = new String[n];
            Long[] at = new Long[n];
            int i = 0;
            for (AttemptRecord r : started.values()) {
                vid[i] = r.verificationId();
                at[i] = r.at();
                prov[i] = nz(r.provider());
                country[i] = nz(r.country());
                prefix[i] = nz(r.prefix());
                app[i] = nz(r.appId());
                i++;
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO attempt_verifications (verification_id, started_at, provider, country, prefix, app_id)
                    SELECT u.vid, timestamptz 'epoch' + u.at_ms * interval '1 millisecond', u.provider, u.country,
                           u.prefix, u.app_id
                    FROM unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[])
                         AS u(vid, at_ms, provider, country, prefix, app_id)
                    ON CONFLICT (verification_id) DO UPDATE SET started_at = excluded.started_at,
                        provider = excluded.provider, country = excluded.country, prefix = excluded.prefix,
                        app_id = excluded.app_id""")) {
                ps.setArray(1, c.createArrayOf("text", vid));
                ps.setArray(2, c.createArrayOf("bigint", at));
                ps.setArray(3, c.createArrayOf("text", prov));
                ps.setArray(4, c.createArrayOf("text", country));
                ps.setArray(5, c.createArrayOf("text", prefix));
                ps.setArray(6, c.createArrayOf("text", app));
                ps.executeUpdate();
            }
        }
        Map<String, Cohort> cohorts = new HashMap<>();
        if (!approved.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO attempt_verifications (verification_id, approved_at)
                    SELECT u.vid, timestamptz 'epoch' + u.at_ms * interval '1 millisecond'
                    FROM unnest(?::text[], ?::bigint[]) AS u(vid, at_ms)
                    ON CONFLICT (verification_id) DO UPDATE
                        SET approved_at = coalesce(attempt_verifications.approved_at, excluded.approved_at)
                    RETURNING verification_id, started_at, provider, country, prefix, app_id""")) {
                ps.setArray(1, c.createArrayOf("text", approved.keySet().toArray(String[]::new)));
                ps.setArray(2, c.createArrayOf("bigint", approved.values().toArray(Long[]::new)));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        OffsetDateTime s = rs.getObject(2, OffsetDateTime.class);
                        if (s != null) {
                            cohorts.put(rs.getString(1), new Cohort(s.toInstant().toEpochMilli(), rs.getString(3),
                                    rs.getString(4), rs.getString(5), rs.getString(6)));
                        }
                    }
                }
            }
        }
        return cohorts;
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

    /**
     * What a record adds: {@code started} (its hour and dimensions), {@code approved} (its verification's start hour
     * and dimensions when the start is archived, else its own), {@code call_placed}, {@code call_outcome} delivered,
     * {@code refused} (under its rule, else its reason). Rows are written in one sorted order so that two ingesters
     * take their locks in the same order.
     */
    private void rollups(Connection c, List<AttemptLog.Entry> fresh, Map<String, Cohort> cohorts) throws SQLException {
        TreeMap<RollupKey, long[]> sums = new TreeMap<>();
        // the histogram rows: RollupKey's rule holds the rounded seconds
        TreeMap<RollupKey, Long> times = new TreeMap<>();
        for (AttemptLog.Entry e : fresh) {
            AttemptRecord r = e.record();
            int counter;
            String rule = "";
            long at = r.at();
            String provider = r.provider(), country = r.country(), prefix = r.prefix(), app = r.appId();
            switch (r.type()) {
                case "started" -> counter = 0;
                case "approved" -> {
                    counter = 1;
                    Cohort k = r.verificationId() == null ? null : cohorts.get(r.verificationId());
                    if (k != null) {
                        at = k.startedAt();
                        provider = k.provider();
                        country = k.country();
                        prefix = k.prefix();
                        app = k.appId();
                    }
                }
                case "call_placed" -> counter = 2;
                case "call_outcome" -> {
                    if (!"delivered".equals(r.outcome())) {
                        continue;
                    }
                    counter = 3;
                }
                case "refused" -> {
                    counter = 4;
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
            for (int d = 0; d < DIMENSIONS.size(); d++) {
                sums.computeIfAbsent(new RollupKey(hour, DIMENSIONS.get(d), values[d], rule), x -> new long[5])[counter]++;
            }
            Cohort k = counter == 1 && r.verificationId() != null ? cohorts.get(r.verificationId()) : null;
            if (k != null) {
                // the time to approve, in the histogram of the start's hour and dimensions (as the approval counts)
                String seconds = Integer.toString(ApprovalTimes.round((r.at() - k.startedAt()) / 1000.0));
                for (int d = 0; d < DIMENSIONS.size(); d++) {
                    times.merge(new RollupKey(hour, DIMENSIONS.get(d), values[d], seconds), 1L, Long::sum);
                }
            }
        }
        approvalTimes(c, times);
        if (sums.isEmpty()) {
            return;
        }
        int n = sums.size();
        Long[] hour = new Long[n];
        String[] dim = new String[n], value = new String[n], rule = new String[n];
        Long[][] counts = new Long[5][n];
        int i = 0;
        for (var e : sums.entrySet()) {
            hour[i] = e.getKey().hour();
            dim[i] = e.getKey().dim();
            value[i] = e.getKey().value();
            rule[i] = e.getKey().rule();
            for (int k = 0; k < 5; k++) {
                counts[k][i] = e.getValue()[k];
            }
            i++;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO attempt_rollups AS r (hour, dim, value, rule, started, approved, calls_placed,
                                                  calls_delivered, refused)
                SELECT timestamptz 'epoch' + u.h * interval '1 millisecond', u.dim, u.value, u.rule, u.s, u.a, u.p,
                       u.d, u.f
                FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[],
                            ?::bigint[], ?::bigint[]) AS u(h, dim, value, rule, s, a, p, d, f)
                ON CONFLICT (dim, hour, value, rule) DO UPDATE SET started = r.started + excluded.started,
                    approved = r.approved + excluded.approved, calls_placed = r.calls_placed + excluded.calls_placed,
                    calls_delivered = r.calls_delivered + excluded.calls_delivered, refused = r.refused + excluded.refused""")) {
            ps.setArray(1, c.createArrayOf("bigint", hour));
            ps.setArray(2, c.createArrayOf("text", dim));
            ps.setArray(3, c.createArrayOf("text", value));
            ps.setArray(4, c.createArrayOf("text", rule));
            for (int k = 0; k < 5; k++) {
                ps.setArray(5 + k, c.createArrayOf("bigint", counts[k]));
            }
            ps.executeUpdate();
        }
    }

    /** Adds approvals to the time-to-approve histograms, in the same sorted order as the rollups. */
    private static void approvalTimes(Connection c, TreeMap<RollupKey, Long> times) throws SQLException {
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
            seconds[i] = Integer.parseInt(e.getKey().rule());
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

    // ---------------------------------------------------------------- partitions and retention

    /** the oldest instant the archive keeps: whole days, so that retention drops whole partitions */
    Instant retentionCutoff() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        long days = Math.max(1, config.retention().toDays());
        return today.minusDays(days).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** Creates the daily partitions from yesterday to {@code days-ahead} days after today (by the injected clock). */
    public void createAhead() throws SQLException {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        Set<LocalDate> days = new TreeSet<>();
        for (int d = -1; d <= config.ingest().daysAhead(); d++) {
            days.add(today.plusDays(d));
        }
        ensureDays(days);
    }

    void ensureDays(Set<LocalDate> days) throws SQLException {
        List<LocalDate> missing = days.stream().filter(d -> !knownDays.contains(d)).toList();
        if (missing.isEmpty()) {
            return;
        }
        ensureSchema();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                // two replicas creating the same partition at once would fail one of them: one at a time
                s.execute("SELECT pg_advisory_xact_lock(" + PARTITION_LOCK + ")");
                for (LocalDate d : missing) {
                    s.execute("CREATE TABLE IF NOT EXISTS " + partition(d) + " PARTITION OF attempts FOR VALUES FROM ('"
                            + d + " 00:00:00+00') TO ('" + d.plusDays(1) + " 00:00:00+00')");
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
        knownDays.addAll(missing);
    }

    /** the daily partitions that exist, oldest first */
    public List<LocalDate> partitions() throws SQLException {
        ensureSchema();
        List<LocalDate> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("""
                     SELECT child.relname FROM pg_inherits i
                     JOIN pg_class child ON child.oid = i.inhrelid
                     JOIN pg_class parent ON parent.oid = i.inhparent
                     WHERE parent.relname = 'attempts' ORDER BY 1""")) {
            while (rs.next()) {
                String name = rs.getString(1);
                if (name.matches("attempts_p\\d{8}")) {
                    out.add(LocalDate.parse(name.substring(10), DAY));
                }
            }
        }
        return out;
    }

    /** what one retention pass removed */
    public record Retained(boolean ran, List<LocalDate> droppedDays, long rollupRows, long verificationRows) {
    }

    /**
     * Drops the partitions wholly older than the retention and deletes the rollups and verification rows of the same
     * age. One replica at a time (a PostgreSQL advisory lock): another replica calling meanwhile does nothing.
     * <p>
     * The DELETEs are planned for the actual cutoff ({@link ArchiveQuery#customPlan}): a generic plan (the pool's
     * setting) cannot know that {@code started_at < ?} matches nothing, guesses a third of the table, and on a table
     * whose rows are not in time order (upserts move them) chose a scan of all of attempt_verifications every pass.
     * Planned with the cutoff, a pass with nothing to delete reads the first entries of the indexes only.
     */
    public Retained enforceRetention() throws SQLException {
        ensureSchema();
        Instant cutoff = retentionCutoff();
        LocalDate cutoffDay = LocalDate.ofInstant(cutoff, ZoneOffset.UTC);
        try (Connection c = dataSource.getConnection()) {
            ArchiveQuery.customPlan(c); // in a transaction, as before, and with plans made for this cutoff
            try (Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT pg_try_advisory_xact_lock(" + RETENTION_LOCK + ")")) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        c.rollback();
                        return new Retained(false, List.of(), 0, 0);
                    }
                }
                List<LocalDate> dropped = new ArrayList<>();
                for (LocalDate d : partitions()) {
                    if (!d.plusDays(1).isAfter(cutoffDay)) {
                        s.execute("SELECT pg_advisory_xact_lock(" + PARTITION_LOCK + ")");
                        s.execute("DROP TABLE IF EXISTS " + partition(d));
                        dropped.add(d);
                    }
                }
                long rollups = 0;
                long verifications;
                // each through an index: the primary keys lead with dim, so every dimension is named
                for (String table : List.of("attempt_rollups", "attempt_approval_times")) {
                    try (PreparedStatement ps = c.prepareStatement(
                            "DELETE FROM " + table + " WHERE dim = ANY (?) AND hour < ?")) {
                        ps.setArray(1, c.createArrayOf("text", DIMENSIONS.toArray()));
                        ps.setObject(2, utc(cutoff));
                        int deleted = ps.executeUpdate();
                        if (table.equals("attempt_rollups")) {
                            rollups = deleted;
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("""
                        DELETE FROM attempt_verifications WHERE started_at < ?""")) {
                    ps.setObject(1, utc(cutoff));
                    verifications = ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("""
                        DELETE FROM attempt_verifications WHERE started_at IS NULL AND approved_at < ?""")) {
                    ps.setObject(1, utc(cutoff));
                    verifications += ps.executeUpdate();
                }
                CallArchive.deleteOlderThan(c, cutoff); // the calls' rows (V2)
                c.commit();
                dropped.forEach(knownDays::remove);
                if (!dropped.isEmpty()) {
                    LOG.infof("attempt archive retention: dropped the partitions of %s", dropped);
                }
                return new Retained(true, dropped, rollups, verifications);
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    // ---------------------------------------------------------------- queries

    /** a page: the records and the cursor of the next one (null on the last page) */
    @org.eclipse.microprofile.openapi.annotations.media.Schema(name = "AttemptPage",
            description = "One page of the attempt log, newest first")
    public record Page(
            @org.eclipse.microprofile.openapi.annotations.media.Schema(required = true,
                    description = "At most `limit` records")
            List<Attempt> items,
            @org.eclipse.microprofile.openapi.annotations.media.Schema(required = true, nullable = true,
                    description = "The `cursor` of the next page (with the same filters); null on the last page",
                    examples = "YTI6MTc2NDU2NjQwMzUxMToxODUwMjgxOTgxMTI3OTUwMzM2OjE3NjQ1NjY0MDM1MTEtMA")
            String next) {
    }

    /**
     * Newest first: by time, then by stream position within a millisecond ({@code attempt_seq(id)}, V6: numeric, so
     * that "...-10" comes before "...-9"), then by id. The order of the list and the export.
     */
    static final String NEWEST_FIRST = " ORDER BY at DESC, attempt_seq(id) DESC, id DESC";

    /** Newest first, {@code limit} at most; keyset paging on (at, attempt_seq(id), id). */
    public Page list(AttemptFilter filter, int limit) throws SQLException {
        ensureSchema();
        List<Object> params = new ArrayList<>();
        String sql = "SELECT " + SELECT + ", attempt_seq(id) FROM attempts WHERE " + filter.where(params)
                + NEWEST_FIRST + " LIMIT " + (limit + 1);
        List<Attempt> items = new ArrayList<>(Math.min(limit + 1, 1001));
        long[] seqs = new long[limit + 1];
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    seqs[items.size()] = rs.getLong(18);
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
        ensureSchema();
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

    /** counters of one group (or the total) of a summary */
    public record Counts(long started, long approved, long callsPlaced, long callsDelivered, Map<String, Long> refusals) {
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

    /**
     * Sums the rollups of whole hours in [from, to) grouped by {@code groupBy}: provider, country, prefix, appId (the
     * value, "" when the records had none), hour or day (an ISO instant). Ordered by key.
     */
    public Map<String, Counts> rollup(String groupBy, Instant from, Instant to) throws SQLException {
        ensureSchema();
        Grouping g = Grouping.of(groupBy);
        String dim = g.dim();
        String sql = "SELECT " + g.key() + " AS k, rule, sum(started), sum(approved), sum(calls_placed), sum(calls_delivered),"
                + " sum(refused) FROM attempt_rollups WHERE dim = ? AND hour >= ? AND hour < ? GROUP BY 1, 2";
        Map<String, long[]> flows = new TreeMap<>();
        Map<String, Map<String, Long>> refusals = new HashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ArchiveQuery.customPlan(c);
            ps.setString(1, dim);
            ps.setObject(2, utc(from));
            ps.setObject(3, utc(to));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String k = dim.equals("all") ? rs.getObject(1, OffsetDateTime.class).toInstant().toString()
                            : rs.getString(1);
                    long[] f = flows.computeIfAbsent(k, x -> new long[4]);
                    for (int i = 0; i < 4; i++) {
                        f[i] += rs.getLong(3 + i);
                    }
                    String rule = rs.getString(2);
                    if (!rule.isEmpty() && rs.getLong(7) > 0) {
                        refusals.computeIfAbsent(k, x -> new TreeMap<>()).merge(rule, rs.getLong(7), Long::sum);
                    }
                }
            }
            c.commit();
        }
        Map<String, Counts> out = new TreeMap<>();
        flows.forEach((k, f) -> out.put(k, new Counts(f[0], f[1], f[2], f[3], refusals.getOrDefault(k, Map.of()))));
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
        ensureSchema();
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
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ArchiveQuery.customPlan(c);
            ps.setString(1, dim);
            ps.setObject(2, utc(from));
            ps.setObject(3, utc(to));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String k = dim.equals("all") ? rs.getObject(1, OffsetDateTime.class).toInstant().toString()
                            : rs.getString(1);
                    int seconds = rs.getInt(2);
                    long n = rs.getLong(3);
                    groups.computeIfAbsent(k, x -> ApprovalTimes.empty()).add(seconds, n);
                    // the groups of one dimension split the approvals: together they are the total
                    all.add(seconds, n);
                }
            }
            c.commit();
        }
        Map<String, Double> out = new HashMap<>();
        groups.forEach((k, h) -> out.put(k, h.median()));
        Double total = all.median();
        if (total != null) {
            out.put(null, total);
        }
        return out;
    }

    /** Answers whether PostgreSQL answers a trivial query (for readiness). */
    public boolean reachable() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout(2);
            s.execute("SELECT 1");
            return true;
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- helpers

    private static final String SELECT = "id, at, type, verification_id, phone, country, prefix, provider, channel,"
            + " outcome, reason, rule, api_key, ip, user_agent, app_id, device_id";

    private static Attempt row(ResultSet rs) throws SQLException {
        return new Attempt(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getString(3),
                rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                rs.getString(10), rs.getString(11), rs.getString(12), rs.getString(13), rs.getString(14),
                rs.getString(15), rs.getString(16), rs.getString(17));
    }

    private static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            ps.setObject(i + 1, params.get(i));
        }
    }

    static OffsetDateTime utc(Instant i) {
        return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    static LocalDate day(long millis) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
    }

    static String partition(LocalDate d) {
        return "attempts_p" + d.format(DAY);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
