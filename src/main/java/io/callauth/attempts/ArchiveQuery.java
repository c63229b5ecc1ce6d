package io.callauth.attempts;

import io.callauth.common.ApiProblem;
import org.jboss.logging.Logger;

import java.sql.SQLException;

/**
 * A read of the attempt archive for the fraud API or the console. PostgreSQL down is neither the caller's fault nor an
 * internal error: it answers 503 {@code archive_unavailable} with Retry-After (verifications go on meanwhile).
 */
@FunctionalInterface
public interface ArchiveQuery<T> {

    T run() throws SQLException;

    /** runs {@code q}; a failure of PostgreSQL (or of the migration before it) becomes 503 archive_unavailable */
    static <T> T archived(ArchiveQuery<T> q) {
        try {
            return q.run();
        } catch (SQLException | RuntimeException e) {
            if (!(e instanceof SQLException) && !causedBySql(e)) {
                throw (RuntimeException) e;
            }
            Logger.getLogger(ArchiveQuery.class).warnf("attempt archive query failed: %s", AttemptIngester.plain(e));
            throw ApiProblem.archiveUnavailable("the attempt archive (PostgreSQL) cannot be reached; verifications go "
                    + "on and their records wait in Redis");
        }
    }

    /**
     * The result of a query run on another thread (independent reads of one page or summary run side by side, so the
     * answer waits for the slowest rather than their sum); its SQLException or RuntimeException is rethrown as is.
     */
    static <T> T join(java.util.concurrent.Future<T> f) throws SQLException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof SQLException s) {
                throw s;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Starts a read of the rollups or histograms on {@code c} with a plan made for its actual window: the pool's
     * connections plan generically ({@code plan_cache_mode = force_generic_plan}, right for the attempt-log lists over
     * 30 partitions, which would otherwise be planned anew each time), but a generic plan cannot know how many hours
     * and rows a summary's window holds and reads a 30-day window several times slower. The setting lasts for this
     * transaction only; the caller commits it when its rows are read.
     */
    static void customPlan(java.sql.Connection c) throws SQLException {
        c.setAutoCommit(false);
        try (java.sql.Statement st = c.createStatement()) {
            st.execute("SET LOCAL plan_cache_mode = force_custom_plan");
        }
    }

    /** an instant as a {@code timestamptz} parameter */
    static java.time.OffsetDateTime utc(java.time.Instant i) {
        return java.time.OffsetDateTime.ofInstant(i, java.time.ZoneOffset.UTC);
    }

    private static boolean causedBySql(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException || t instanceof org.flywaydb.core.api.FlywayException) {
                return true;
            }
        }
        return false;
    }
}
