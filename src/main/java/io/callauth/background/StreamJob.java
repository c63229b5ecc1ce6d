package io.callauth.background;

import java.time.Duration;
import java.util.List;

/**
 * A background job that follows the attempt stream: the seam every consumer of the stream is written on (the archive
 * ingester; webhook delivery, the defence and the routing figures next). A job is a bean; on worker replicas
 * {@link StreamWorkers} runs it through a consumer group of its own ({@link #group()}), so that it
 * <ul>
 *   <li>sees every record once across the replicas that run it (one group, several consumers), in order per
 *   verification (a verification's records are in one shard, and a shard is read by one consumer of a replica);</li>
 *   <li>gets again what it did not finish: a batch is acknowledged only after {@link #flush()} returned, so a failed
 *   batch stays pending for the consumer and is handed again in its next round;</li>
 *   <li>gets what a dead replica held: entries idle for {@link #claimIdle()} are claimed by another consumer;</li>
 *   <li>holds the stream's trim: the stream is trimmed only behind what every job's group acknowledged.</li>
 * </ul>
 * A job must therefore tolerate a batch handed twice (after a crash between its work and the acknowledgement): keyed
 * by the entry's id ({@link StreamEntry#archiveId()}), its work is idempotent. Its methods run on threads of the
 * seam's own, never on an event loop: blocking work is fine there.
 */
public interface StreamJob {

    /** the consumer group: one per job, never shared, never renamed (a new name reads the stream from its start) */
    String group();

    /** whether this job runs at all (on worker replicas) */
    default boolean enabled() {
        return true;
    }

    /** consumers per replica, side by side: each reads the shards s with s % workers == its index */
    default int workers() {
        return 1;
    }

    /** most entries handed in one batch */
    default int batchSize() {
        return 500;
    }

    /** how long another consumer's entries sit unacknowledged before this replica claims them */
    default Duration claimIdle() {
        return Duration.ofSeconds(30);
    }

    /** the pause between two rounds of this job's loop (each round drains what is there) */
    default Duration tick() {
        return Duration.ofMillis(250);
    }

    /** Does a batch's work; what it wrote may be made durable only by {@link #flush()}. */
    Done handle(List<StreamEntry> batch) throws Exception;

    /** Makes durable what {@link #handle} did since the last flush; the entries are acknowledged after it returns. */
    default void flush() throws Exception {
    }

    /** a round failed (its entries stay pending and are handed again) */
    default void failed(Exception e) {
    }

    /** a round succeeded (after failures: the job's dependency is back) */
    default void succeeded() {
    }

    /** after each of the loop's rounds on this replica: upkeep that is due (never throws into the loop) */
    default void afterRound() {
    }

    /** after each trim of the stream (about once a second): figures that follow the stream's size */
    default void afterTrim() {
    }

    /** what a batch did: entries written for the first time, and entries that were already there */
    record Done(int written, int duplicates) {
        public static final Done NOTHING = new Done(0, 0);
    }
}
