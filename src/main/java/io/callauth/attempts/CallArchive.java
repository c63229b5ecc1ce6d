package io.callauth.attempts;

import io.callauth.provider.KeptCall;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The calls of verifications in the archive ({@code attempt_calls}, V2): one row per call, kept for the retention so
 * the fraud team sees a verification's calls and the providers' records of them long after its Redis keys expired.
 * Written by {@link ArchiveWriter#store} in the ingest transaction from the call records of the stream; read by
 * the call records API. Blocking JDBC: worker threads only.
 */
@ApplicationScoped
public class CallArchive {

    /** the stream type of a provider's pushed record of a call (Yunhu's CDR): archived here only, not in attempts */
    public static final String CALL_RECORD = "call_record";
    static final Set<String> CALL_TYPES = Set.of("call_placed", "call_failed", "call_outcome", CALL_RECORD);
    private static final Set<String> FINAL = Set.of("delivered", "not_delivered", "failed");

    private final ArchiveSchema schema;
    private final io.agroal.api.AgroalDataSource dataSource;
    private final ObjectMapper json;

    public CallArchive(ArchiveSchema schema, io.agroal.api.AgroalDataSource dataSource, ObjectMapper json) {
        this.schema = schema;
        this.dataSource = dataSource;
        this.json = json;
    }

    /** one call's row as a batch of records makes it */
    private static final class Row {
        String vid, provider, channel, phone, callerId, providerCallId, status, record;
        Long placedAt;
        long updatedAt;
    }

    /**
     * Upserts the rows of the calls the records are about, in the caller's transaction. Only fills in: a final status
     * is never replaced, a later record replaces an earlier one. Rows in call_ref order (two ingesters lock alike).
     */
    static void store(Connection c, List<AttemptLog.Entry> entries) throws SQLException {
        TreeMap<String, Row> rows = new TreeMap<>();
        for (AttemptLog.Entry e : entries) {
            AttemptRecord r = e.record();
            if (r.callRef() == null || r.verificationId() == null || !CALL_TYPES.contains(r.type())) {
                continue;
            }
            Row row = rows.computeIfAbsent(r.callRef(), k -> new Row());
            row.vid = r.verificationId();
            row.provider = first(row.provider, r.provider());
            row.channel = first(row.channel, r.channel());
            row.phone = first(row.phone, r.phone());
            row.callerId = first(row.callerId, r.callerId());
            row.providerCallId = first(row.providerCallId, r.providerCallId());
            row.updatedAt = Math.max(row.updatedAt, r.at());
            String status = switch (r.type()) {
                case "call_placed" -> "calling";
                case "call_failed" -> "failed";
                case "call_outcome" -> r.outcome();
                default -> null;
            };
            if (!r.type().equals(CALL_RECORD) && row.placedAt == null && !r.type().equals("call_outcome")) {
                row.placedAt = r.at();
            }
            if (status != null && (row.status == null || !FINAL.contains(row.status))) {
                row.status = status;
            }
            if (r.callRecord() != null) {
                row.record = r.callRecord();
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        int n = rows.size();
        String[][] cols = new String[9][n];
        Long[] placed = new Long[n];
        Long[] updated = new Long[n];
        int i = 0;
        for (var en : rows.entrySet()) {
            Row w = en.getValue();
            String[] v = {en.getKey(), w.vid, w.provider, w.channel, w.phone, w.callerId, w.providerCallId, w.status,
                    w.record};
            for (int k = 0; k < v.length; k++) {
                cols[k][i] = v[k];
            }
            placed[i] = w.placedAt;
            updated[i] = w.updatedAt;
            i++;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO attempt_calls AS t (call_ref, verification_id, provider, channel, phone, caller_id,
                                                provider_call_id, call_status, record, placed_at, updated_at)
                SELECT u.call_ref, u.vid, u.provider, u.channel, u.phone, u.caller_id, u.pcid, u.status, u.record::jsonb,
                       timestamptz 'epoch' + u.placed_ms * interval '1 millisecond',
                       timestamptz 'epoch' + u.updated_ms * interval '1 millisecond'
                FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                            ?::text[], ?::bigint[], ?::bigint[])
                     AS u(call_ref, vid, provider, channel, phone, caller_id, pcid, status, record, placed_ms, updated_ms)
                ON CONFLICT (call_ref) DO UPDATE SET
                    provider = coalesce(t.provider, excluded.provider),
                    channel = coalesce(t.channel, excluded.channel),
                    phone = coalesce(t.phone, excluded.phone),
                    caller_id = coalesce(t.caller_id, excluded.caller_id),
                    provider_call_id = coalesce(t.provider_call_id, excluded.provider_call_id),
                    placed_at = coalesce(t.placed_at, excluded.placed_at),
                    call_status = CASE WHEN t.call_status IN ('delivered', 'not_delivered', 'failed') THEN t.call_status
                                       ELSE coalesce(excluded.call_status, t.call_status) END,
                    record = coalesce(excluded.record, t.record),
                    updated_at = greatest(t.updated_at, excluded.updated_at)""")) {
            for (int k = 0; k < 9; k++) {
                ps.setArray(k + 1, c.createArrayOf("text", cols[k]));
            }
            ps.setArray(10, c.createArrayOf("bigint", placed));
            ps.setArray(11, c.createArrayOf("bigint", updated));
            ps.executeUpdate();
        }
    }

    /** deletes the rows not updated since {@code cutoff} (retention), in the caller's transaction */
    static long deleteOlderThan(Connection c, Instant cutoff) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM attempt_calls WHERE updated_at < ?")) {
            ps.setObject(1, ArchiveQuery.utc(cutoff));
            return ps.executeUpdate();
        }
    }

    private static final String SELECT = "call_ref, verification_id, provider, channel, phone, caller_id,"
            + " provider_call_id, placed_at, call_status, record::text FROM attempt_calls";

    /** the archived calls of a verification, oldest first */
    public List<KeptCall> calls(String verificationId) throws SQLException {
        schema.ensureSchema();
        List<KeptCall> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT " + SELECT + " WHERE verification_id = ? ORDER BY placed_at NULLS LAST, call_ref")) {
            ps.setString(1, verificationId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
        }
        return out;
    }

    /** one archived call */
    public Optional<KeptCall> call(String callRef) throws SQLException {
        schema.ensureSchema();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT " + SELECT + " WHERE call_ref = ?")) {
            ps.setString(1, callRef);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    /** whether the archive knows the verification at all (a record of it, calls or not) */
    public boolean knows(String verificationId) throws SQLException {
        schema.ensureSchema();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM attempts WHERE verification_id = ? LIMIT 1")) {
            ps.setString(1, verificationId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private KeptCall row(ResultSet rs) throws SQLException {
        OffsetDateTime placed = rs.getObject(8, OffsetDateTime.class);
        String record = rs.getString(10);
        JsonNode pushed = null;
        if (record != null) {
            try {
                pushed = json.readTree(record);
            } catch (Exception ignored) {
                // an unreadable record is no record
            }
        }
        return new KeptCall(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), placed == null ? 0L : placed.toInstant().toEpochMilli(),
                rs.getString(9), pushed);
    }

    private static String first(String a, String b) {
        return a != null ? a : b;
    }

}
