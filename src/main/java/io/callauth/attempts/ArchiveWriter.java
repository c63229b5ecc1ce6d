package io.callauth.attempts;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import org.postgresql.PGConnection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes batches of the attempt log into the archive: the records (partitioned by day), and in the same transaction
 * the verification rows ({@link VerificationRows}), the hourly rollups and histograms ({@link RollupWriter}) and the
 * calls' rows ({@link CallArchive}) of exactly the records this transaction added. Blocking JDBC: worker threads only.
 */
@ApplicationScoped
public class ArchiveWriter {

    private final AgroalDataSource dataSource;
    private final ArchiveSchema schema;
    private final ArchivePartitions partitions;

    public ArchiveWriter(AgroalDataSource dataSource, ArchiveSchema schema, ArchivePartitions partitions) {
        this.dataSource = dataSource;
        this.schema = schema;
        this.partitions = partitions;
    }


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
        schema.ensureSchema();
        long cutoff = partitions.retentionCutoff().toEpochMilli();
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
            days.add(ArchivePartitions.day(e.record().at()));
        }
        int tooOld = entries.size() - keep.size() - pushed;
        if (keep.isEmpty() && calls.isEmpty()) {
            return new Stored(0, 0, tooOld);
        }
        partitions.ensureDays(days);
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
                    Map<String, VerificationRows.Cohort> cohorts = VerificationRows.upsert(c, fresh);
                    RollupWriter.add(c, fresh, cohorts);
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
    private static Set<String> copyOrInsert(Connection c, List<AttemptLog.Entry> entries) throws SQLException {
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
            + " provider, channel, outcome, reason, rule, api_key, ip, user_agent, app_id, device_id, detail) FROM STDIN";

    private static void copy(Connection c, List<AttemptLog.Entry> entries) throws SQLException {
        StringBuilder sb = new StringBuilder(entries.size() * 200);
        for (AttemptLog.Entry e : entries) {
            AttemptRecord r = e.record();
            field(sb, e.id());
            sb.append('\t').append(Instant.ofEpochMilli(r.at())).append('\t');
            field(sb, r.type());
            for (String v : new String[]{r.verificationId(), r.phone(), r.country(), r.prefix(), r.provider(),
                    r.channel(), r.outcome(), r.reason(), r.rule(), r.apiKey(), r.ip(), r.userAgent(), r.appId(),
                    r.deviceId(), r.detail()}) {
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

    private static Set<String> insert(Connection c, List<AttemptLog.Entry> entries) throws SQLException {
        int n = entries.size();
        if (n == 0) {
            return Set.of();
        }
        String[][] cols = new String[17][n];
        Long[] at = new Long[n];
        for (int i = 0; i < n; i++) {
            AttemptLog.Entry e = entries.get(i);
            AttemptRecord r = e.record();
            at[i] = r.at();
            String[] v = {e.id(), r.type(), r.verificationId(), r.phone(), r.country(), r.prefix(), r.provider(),
                    r.channel(), r.outcome(), r.reason(), r.rule(), r.apiKey(), r.ip(), r.userAgent(), r.appId(),
                    r.deviceId(), r.detail()};
            for (int k = 0; k < v.length; k++) {
                cols[k][i] = v[k] == null ? null : v[k].replace("\0", "");
            }
        }
        String sql = """
                INSERT INTO attempts (id, at, type, verification_id, phone, country, prefix, provider, channel, outcome,
                                      reason, rule, api_key, ip, user_agent, app_id, device_id, detail)
                SELECT u.id, timestamptz 'epoch' + u.at_ms * interval '1 millisecond', u.type, u.verification_id, u.phone,
                       u.country, u.prefix, u.provider, u.channel, u.outcome, u.reason, u.rule, u.api_key, u.ip,
                       u.user_agent, u.app_id, u.device_id, u.detail::jsonb
                FROM unnest(?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                            ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                            ?::text[], ?::text[])
                     AS u(id, at_ms, type, verification_id, phone, country, prefix, provider, channel, outcome, reason,
                          rule, api_key, ip, user_agent, app_id, device_id, detail)
                ON CONFLICT DO NOTHING
                RETURNING id""";
        Set<String> inserted = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("text", cols[0]));
            ps.setArray(2, c.createArrayOf("bigint", at));
            for (int k = 1; k < 17; k++) {
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
}
