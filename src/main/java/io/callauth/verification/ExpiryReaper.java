package io.callauth.verification;

import io.callauth.attempts.AttemptLog;
import io.callauth.attempts.AttemptRecord;
import io.callauth.common.Ids;
import io.callauth.common.LuaScript;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Logs the verifications nobody finished: a verification still pending when its code lifetime ends becomes
 * {@code expired}, and the attempt log gets its {@code expired} record even when no client ever asks about it
 * again (abandoned sign-ups are what a fraud analyst's conversion numbers are made of).
 * <p>
 * The sweep walks the attempt log's {@code started} records in order from a cursor kept in Redis, one replica at
 * a time (a lock), and stops at the first entry younger than a code lifetime (stream ids carry Redis' time, the
 * same for every replica). A verification expired by a clock more than a few seconds ahead of the sweeping
 * replica's is skipped rather than waited for. Expiring is one script
 * that answers "expire" once per verification; the record is then written and confirmed, so a replica that dies in
 * between leaves the record owed and the next sweep writes it (at least once, never lost). The cursor moves only
 * past what was settled: a replica that dies mid-batch makes the next one redo at most that batch, harmlessly.
 * Costs nothing on the request path.
 */
@ApplicationScoped
public class ExpiryReaper {

    static final String CURSOR = "ca:expiry:cursor";
    static final String LOCK = "ca:expiry:lock";
    private static final LuaScript RELEASE = LuaScript.fromResource("lock-release");
    private static final Logger LOG = Logger.getLogger(ExpiryReaper.class);
    private static final int BATCH = 200;
    private static final int MAX_ROUNDS = 25;
    private static final Duration CLOCK_MARGIN = Duration.ofSeconds(10);

    private final ReactiveRedisDataSource redis;
    private final VerificationStore store;
    private final AttemptLog attempts;
    private final VerificationConfig config;
    private final VerificationMetrics metrics;
    private final Clock clock;
    private final Duration retention;

    public ExpiryReaper(ReactiveRedisDataSource redis, VerificationStore store, AttemptLog attempts,
                        VerificationConfig config, VerificationMetrics metrics, Clock clock,
                        @ConfigProperty(name = "callauth.attempts.retention", defaultValue = "30D") Duration retention) {
        this.redis = redis;
        this.store = store;
        this.attempts = attempts;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
        this.retention = retention;
    }

    @Scheduled(every = "${callauth.verification.expiry-sweep:30S}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
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
        return redis.execute("SET", LOCK, holder, "NX", "PX", Long.toString(lockMillis)).chain(r -> r == null
                ? Uni.createFrom().item(0)
                : rounds(MAX_ROUNDS).eventually(() -> RELEASE.call(redis, List.of(LOCK), List.of(holder))));
    }

    private Uni<Integer> rounds(int left) {
        return cursor().chain(cursor -> attempts.after(cursor, BATCH)).chain(entries -> settle(entries, 0, null, 0)
                .chain(done -> {
                    Uni<Void> saved = done.last() == null ? Uni.createFrom().voidItem()
                            : redis.execute("SET", CURSOR, done.last(), "PX", Long.toString(retention.toMillis()))
                            .replaceWithVoid();
                    boolean more = !done.stopped() && entries.size() == BATCH && left > 1;
                    return saved.chain(() -> more ? rounds(left - 1).map(n -> n + done.expired())
                            : Uni.createFrom().item(done.expired()));
                }));
    }

    private record Progress(String last, int expired, boolean stopped) {
    }

    /** settles entries in order; stops (without passing it) at a verification whose lifetime is not over */
    private Uni<Progress> settle(List<AttemptLog.Entry> entries, int i, String last, int expired) {
        if (i >= entries.size()) {
            return Uni.createFrom().item(new Progress(last, expired, false));
        }
        AttemptLog.Entry e = entries.get(i);
        AttemptRecord started = e.record();
        long now = clock.millis();
        // stream ids carry Redis' time of the append: entries younger than a code lifetime (plus a margin for
        // clocks that differ a little) cannot have expired yet; the sweep stops there and resumes next time
        if (AttemptLog.millisOf(e.id()) > now - config.codeTtl().toMillis() - CLOCK_MARGIN.toMillis()) {
            return Uni.createFrom().item(new Progress(last, expired, true));
        }
        if (!"started".equals(started.type()) || started.verificationId() == null) {
            return settle(entries, i + 1, e.id(), expired);
        }
        return store.expire(started.verificationId(), now).chain(r -> switch (r.result()) {
            case "pending" -> {
                // its expiry is still ahead by this replica's clock (set by a clock far ahead of ours): not ours
                // to wait for, or the sweep would stall behind it
                LOG.debugf("expiry sweep: %s is not expired by this clock, skipped", started.verificationId());
                yield settle(entries, i + 1, e.id(), expired);
            }
            case "expire" -> attempts.append(started.with("at", Long.toString(now)).withType("expired")
                            .withProvider(r.provider().isEmpty() ? null : r.provider())
                            .withChannel(r.channel().isEmpty() ? null : r.channel()))
                    .chain(() -> store.expiryLogged(started.verificationId()))
                    .invoke(metrics::expired)
                    .chain(() -> settle(entries, i + 1, e.id(), expired + 1));
            default -> settle(entries, i + 1, e.id(), expired);
        });
    }

    /** where the last sweep stopped; the first sweep starts one key lifetime back (older hashes are gone anyway) */
    private Uni<String> cursor() {
        return redis.execute("GET", CURSOR).chain(r -> r != null ? Uni.createFrom().item(r.toString())
                : redis.execute("TIME").map(t -> {
                    long redisMillis = t.get(0).toLong() * 1000 + t.get(1).toLong() / 1000;
                    return Math.max(0, redisMillis - config.keyTtl().toMillis()) + "-0";
                }));
    }
}
