package io.callauth.attempts;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The archive's one row per verification ({@code attempt_verifications}): its start (time and dimensions) and its
 * first approval, kept so that an approval counts under the hour and dimensions of its start. Written in the
 * ingest transaction ({@link ArchiveWriter}).
 */
final class VerificationRows {

    private VerificationRows() {
    }

    /** the start of a verification as its row keeps it: when, and the dimensions an approval is counted under */
    record Cohort(long startedAt, String provider, String country, String prefix, String appId) {
    }

    /**
     * Upserts the verification rows of new {@code started} and {@code approved} records; answers the cohort (start
     * time and dimensions) of each approved verification whose start is archived.
     */
    static Map<String, Cohort> upsert(Connection c, List<AttemptLog.Entry> fresh) throws SQLException {
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

    static String nz(String s) {
        return s == null ? "" : s;
    }
}
