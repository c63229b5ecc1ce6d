package io.callauth.attempts;

import io.callauth.common.InRange;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The attempt log and its archive. */
@ConfigMapping(prefix = "callauth.attempts")
public interface AttemptsConfig {

    /** how long records are kept in the archive (whole days: retention drops daily partitions) */
    @WithDefault("30D")
    Duration retention();

    /**
     * most records the Redis Stream holds while they wait for PostgreSQL; past it the oldest are dropped by the append
     * itself (an alert is logged and a metric rises well before)
     */
    @WithDefault("1000000")
    @InRange(min = 1000)
    long bufferMax();

    /**
     * how many Redis Stream keys the attempt log is spread over (by verification id); on a Redis Cluster they spread
     * over the masters. Raise it freely; lowering it leaves the records in the dropped shards unread.
     */
    @WithDefault("8")
    @InRange(min = 1, max = 1024)
    int streamShards();

    Ingest ingest();

    interface Ingest {
        /** whether this replica runs an ingester (off only to measure what it costs, or on replicas that serve no archive) */
        @WithDefault("true")
        boolean enabled();

        /**
         * the pause between two rounds of a replica's ingester (from the end of one to the start of the next; each
         * round drains what is there): short rounds keep each round's burst of work small
         */
        @WithDefault("250ms")
        Duration tick();

        /** records read from the stream and written to PostgreSQL in one transaction */
        @WithDefault("1000")
        @InRange(min = 1, max = 10000)
        int batchSize();

        /**
         * consumers per replica, side by side: each takes the stream shards s with s % workers == its index (one
         * verification's records stay with one of them, in order) and writes its own transactions
         */
        @WithDefault("2")
        @InRange(min = 1, max = 64)
        int workers();

        /** how long records held by a consumer must sit unacknowledged before another replica claims them */
        @WithDefault("30S")
        Duration claimIdle();

        /** how many days of partitions exist ahead of today */
        @WithDefault("3")
        @InRange(min = 1)
        int daysAhead();

        /** the backlog (in records) past which readiness warns that the archive is behind */
        @WithDefault("50000")
        long warnBacklog();

        /** the share of buffer-max past which an alert is logged */
        @WithDefault("0.8")
        @InRange(min = 0.0, max = 1.0)
        double alertRatio();
    }
}
