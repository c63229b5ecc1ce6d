package io.callauth.attempts;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import static io.callauth.attempts.ArchiveQuery.utc;

/**
 * The attempt archive's days: the daily partitions of {@code attempts} (created ahead, and on demand for a batch's
 * days) and the retention (whole days dropped, with the rollups, histograms, verification and call rows of the same
 * age). Blocking JDBC: worker threads only.
 */
@ApplicationScoped
public class ArchivePartitions {

    private static final Logger LOG = Logger.getLogger(ArchivePartitions.class);
    /** advisory lock keys: partition changes (one session at a time) and retention (one replica at a time) */
    static final long PARTITION_LOCK = 0x6361_6174_7470_0001L;
    static final long RETENTION_LOCK = 0x6361_6174_7470_0002L;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");

    private final AgroalDataSource dataSource;
    private final ArchiveSchema schema;
    private final AttemptsConfig config;
    private final Clock clock;
    /** days whose partition is known to exist (a cache: a miss costs one CREATE ... IF NOT EXISTS) */
    private final Set<LocalDate> knownDays = ConcurrentHashMap.newKeySet();

    public ArchivePartitions(AgroalDataSource dataSource, ArchiveSchema schema, AttemptsConfig config, Clock clock) {
        this.dataSource = dataSource;
        this.schema = schema;
        this.config = config;
        this.clock = clock;
    }

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
        schema.ensureSchema();
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
        schema.ensureSchema();
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
        schema.ensureSchema();
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
                        ps.setArray(1, c.createArrayOf("text", RollupWriter.DIMENSIONS.toArray()));
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

    static LocalDate day(long millis) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
    }

    static String partition(LocalDate d) {
        return "attempts_p" + d.format(DAY);
    }
}
