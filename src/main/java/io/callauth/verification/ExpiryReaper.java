package io.callauth.verification;

import io.callauth.attempts.AttemptType;
import io.callauth.attempts.AttemptsConfig;
import io.callauth.background.ReplicaRoles;
import io.callauth.attempts.AttemptLog;
import io.callauth.attempts.AttemptRecord;
import io.callauth.attempts.StreamHold;
import io.callauth.common.Ids;
import io.callauth.common.LuaScript;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Logs the verifications nobody finished: a verification still pending when its code lifetime ends becomes
 * {@code expired}, and the attempt log gets its {@code expired} record even when no client ever asks about it
 * again (abandoned sign-ups are what a fraud analyst's conversion numbers are made of).
 * <p>
 * The sweep walks the attempt log's {@code started} records in order, shard after shard of the stream (see
 * {@link AttemptLog}), each from its own cursor kept in Redis, one replica at a time (a lock), and stops at the first entry younger than a code lifetime (stream ids carry Redis' time, the
 * same for every replica). A verification expired by a clock more than a few seconds ahead of the sweeping
 * replica's is skipped rather than waited for. Batches of 500 are expired concurrently (the test settles 1,200 in
 * one sweep). Expiring is one script that answers "expire" once per verification; the record is then written and
 * confirmed, so a replica that dies in between leaves the record owed and the next sweep writes it (at least once,
 * never lost). The cursor moves only
 * past what was settled: a replica that dies mid-batch makes the next one redo at most that batch.
 * Costs nothing on the request path.
 */
@ApplicationScoped
public class ExpiryReaper implements StreamHold {

    static final String CURSOR = "ca:expiry:cursor";

    /** where the sweep of one shard of the attempt stream stopped (shard 0 keeps the key of earlier versions) */
    public static String cursorKey(int shard) {
        return shard == 0 ? CURSOR : CURSOR + ":" + shard;
    }
    static final String LOCK = "ca:expiry:lock";
    private static final LuaScript RELEASE = LuaScript.fromResource("lock-release");
    private static final Logger LOG = Logger.getLogger(ExpiryReaper.class);
    private static final int BATCH = 500;
    private static final Duration CLOCK_MARGIN = Duration.ofSeconds(10);

    private final ReactiveRedisDataSource redis;
    private final VerificationStore store;
    private final AttemptLog attempts;
    private final VerificationConfig config;
    private final VerificationMetrics metrics;
    private final Clock clock;
    private final Duration retention;
    private final java.util.concurrent.atomic.AtomicInteger nextFirst = new java.util.concurrent.atomic.AtomicInteger();

    public ExpiryReaper(ReactiveRedisDataSource redis, VerificationStore store, AttemptLog attempts,
                        VerificationConfig config, VerificationMetrics metrics, Clock clock,
                        AttemptsConfig attemptsConfig) {
        this.redis = redis;
        this.store = store;
        this.attempts = attempts;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
        this.retention = attemptsConfig.retention();
    }

    @Scheduled(every = "${callauth.verification.expiry-sweep:30S}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = ReplicaRoles.NotAWorker.class)
    Uni<Void> tick() {
        return sweep().replaceWithVoid().onFailure().recoverWithItem(t -> {
            LOG.warnf("expiry sweep failed, the next one resumes from the cursor: %s", t.toString());
            return null;
        });
    }

    /** One sweep if no other replica is sweeping; answers how many expired records it wrote. */
    public Uni<Integer> sweep() {
        String holder = Ids.random("", 8);
        long lockMillis = Math.max(60_000, config.expirySweep().toMillis() * 4);
        long deadline = System.nanoTime() + lockMillis / 2 * 1_000_000;
        return redis.execute("SET", LOCK, holder, "NX", "PX", Long.toString(lockMillis)).chain(r -> r == null
                ? Uni.createFrom().item(0)
                : shards(Math.floorMod(nextFirst.getAndIncrement(), attempts.shards()), 0, deadline).eventually(() -> RELEASE.call(redis, List.of(LOCK), List.of(holder))));
    }

    /**
     * Every shard once, one after the other from {@code first} (which rotates from sweep to sweep: when the lock's
     * time runs out, the shards it did not reach come first next time).
     */
    private Uni<Integer> shards(int first, int done, long deadline) {
        if (done >= attempts.shards()) {
            return Uni.createFrom().item(0);
        }
        int shard = (first + done) % attempts.shards();
        return rounds(shard, deadline).chain(n -> shards(first, done + 1, deadline).map(m -> n + m));
    }

    /**
     * Batches until the log is caught up or half the lock's time is used. Within a batch the verifications are
     * expired concurrently; the cursor moves past the batch only once all of it is settled (a failure leaves the
     * batch to the next sweep, which redoes it harmlessly).
     */
    private Uni<Integer> rounds(int shard, long deadline) {
        return cursor(shard).chain(cursor -> attempts.after(shard, cursor, BATCH)).chain(entries -> {
            // stream ids carry Redis' time of the append: entries younger than a code lifetime (plus a margin for
            // clocks that differ a little) cannot have expired yet, the sweep stops before them
            long now = clock.millis();
            long youngest = now - config.codeTtl().toMillis() - CLOCK_MARGIN.toMillis();
            List<AttemptLog.Entry> due = entries.stream().takeWhile(e -> AttemptLog.millisOf(e.id()) <= youngest).toList();
            if (due.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            List<Uni<Integer>> work = due.stream()
                    .filter(e -> "started".equals(e.record().type()) && e.record().verificationId() != null)
                    .map(e -> expire(e.record(), now)).toList();
            Uni<Integer> settled = work.isEmpty() ? Uni.createFrom().item(0)
                    : Uni.join().all(work).andFailFast().map(ns -> ns.stream().mapToInt(Integer::intValue).sum());
            return settled.call(() -> redis.execute("SET", cursorKey(shard), due.get(due.size() - 1).id(), "PX",
                    Long.toString(retention.toMillis()))).chain(n -> {
                boolean more = due.size() == BATCH && System.nanoTime() < deadline;
                return more ? rounds(shard, deadline).map(m -> n + m) : Uni.createFrom().item(n);
            });
        });
    }

    /** 1 when this sweep wrote the verification's {@code expired} record, else 0 */
    private Uni<Integer> expire(AttemptRecord started, long now) {
        String id = started.verificationId();
        return store.expire(id, now).chain(r -> {
            if (r.result() == VerificationStore.ExpireResult.Expiry.PENDING) {
                // still ahead by this replica's clock (set by a clock far ahead of ours): not waited for, or the
                // sweep would stall behind it
                LOG.debugf("expiry sweep: %s is not expired by this clock, skipped", id);
            }
            if (!r.owed()) {
                return Uni.createFrom().item(0);
            }
            return attempts.append(started.with("at", Long.toString(now)).withType(AttemptType.EXPIRED)
                            .withProvider(r.provider()).withChannel(r.channel()))
                    .chain(() -> store.expiryLogged(id))
                    .invoke(metrics::expired)
                    .replaceWith(1);
        });
    }

    /**
     * The sweep reads the stream after the attempt archive has taken it: the ingester keeps everything after the
     * cursor (and, before the first sweep, the last key lifetime, where the first sweep will start). Blocking: called
     * by the ingester on its worker thread.
     */
    @Override
    public Optional<String> oldestNeeded(int shard) {
        var cursor = redis.execute("GET", cursorKey(shard)).await().atMost(Duration.ofSeconds(5));
        return Optional.of(cursor != null ? AttemptLog.next(cursor.toString())
                : Math.max(0, clock.millis() - config.keyTtl().toMillis()) + "-0");
    }

    /** where the last sweep stopped; the first sweep starts one key lifetime back (older hashes are gone anyway) */
    private Uni<String> cursor(int shard) {
        return redis.execute("GET", cursorKey(shard)).chain(r -> r != null ? Uni.createFrom().item(r.toString())
                : redis.execute("TIME").map(t -> {
                    long redisMillis = t.get(0).toLong() * 1000 + t.get(1).toLong() / 1000;
                    return Math.max(0, redisMillis - config.keyTtl().toMillis()) + "-0";
                }));
    }
}
