package io.callauth.fraud;

import io.callauth.background.ReplicaRoles;
import io.callauth.common.Ids;
import io.callauth.common.LuaScript;
import io.callauth.verification.VerificationObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Toll-fraud signal: a sudden drop of conversion (approved / started) for a country or an 8-digit prefix. Starts
 * and approvals are counted per hour in Redis (shared by all replicas); every few minutes one replica (a Redis
 * lock per period) compares the current hour with the previous 24 hours and, when the current hour has enough
 * starts and converts at less than {@code drop-ratio} of the baseline, raises
 * {@code callauth_tollfraud_conversion_drop_total{scope,key}} and logs an alert.
 */
@ApplicationScoped
public class ConversionMonitor implements VerificationObserver {

    private static final Logger LOG = Logger.getLogger(ConversionMonitor.class);
    private static final long HOUR = Duration.ofHours(1).toMillis();
    private static final LuaScript COUNT = LuaScript.fromResource("count-with-ttl");
    private static final LuaScript SEEN = LuaScript.fromResource("set-add-with-ttl");
    /** an hour's counts are kept for the baseline of the next 24 hours, and a little longer */
    private static final String COUNTS_TTL = Long.toString(Duration.ofHours(26).toMillis());
    /** the hour's set of keys seen is read by the evaluations of that hour */
    private static final String SEEN_TTL = Long.toString(Duration.ofHours(2).toMillis());

    private final ReactiveRedisDataSource redis;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final int minVolume;
    private final double dropRatio;
    private final jakarta.enterprise.inject.Instance<FraudAlerts> listeners;

    public ConversionMonitor(ReactiveRedisDataSource redis, Clock clock, MeterRegistry metrics,
                             TollFraudConfig tollFraud, jakarta.enterprise.inject.Instance<FraudAlerts> listeners) {
        this.redis = redis;
        this.clock = clock;
        this.metrics = metrics;
        this.minVolume = tollFraud.minVolume();
        this.dropRatio = tollFraud.dropRatio();
        this.listeners = listeners;
    }

    public record Alert(String scope, String key, long started, long approved, double conversion, double baseline) {
    }

    @Override
    public Uni<Void> started(String region, String prefix) {
        return count("started", region, prefix);
    }

    @Override
    public Uni<Void> approved(String region, String prefix) {
        return count("approved", region, prefix);
    }

    /**
     * One hour's counts of a country and of a prefix: each key is counted by one script (the increment and its time
     * to live in one round trip), the hour's set of keys seen likewise, and all of them are sent at once (they live
     * in different slots on a Redis Cluster, so they are separate calls, not one script).
     */
    private Uni<Void> count(String field, String region, String prefix) {
        long hour = clock.millis() / HOUR;
        List<Uni<Response>> calls = new ArrayList<>(4);
        if (region != null) {
            bump(calls, "country", region, hour, field);
        }
        if (prefix != null) {
            bump(calls, "prefix", prefix, hour, field);
        }
        return calls.isEmpty() ? Uni.createFrom().voidItem()
                : Uni.join().all(calls).andFailFast().replaceWithVoid();
    }

    private void bump(List<Uni<Response>> calls, String scope, String key, long hour, String field) {
        calls.add(COUNT.call(redis, List.of("ca:conv:{" + scope + ":" + key + "}:" + hour), List.of(field, COUNTS_TTL)));
        if (field.equals("started")) {
            calls.add(SEEN.call(redis, List.of("ca:conv:" + scope + ":" + hour), List.of(key, SEEN_TTL)));
        }
    }

    @Scheduled(every = "${callauth.toll-fraud.evaluate-every:5m}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = ReplicaRoles.NotAWorker.class)
    Uni<Void> scheduled() {
        long period = clock.millis() / Duration.ofMinutes(5).toMillis();
        return redis.execute("SET", "ca:conv:lock:" + period, Ids.random("", 4), "NX", "PX", "600000")
                .chain(r -> r == null ? Uni.createFrom().voidItem() : evaluate().replaceWithVoid())
                .onFailure().recoverWithItem(t -> {
                    LOG.warnf("conversion evaluation failed: %s", t.toString());
                    return null;
                });
    }

    /** Compares this hour with the previous 24 for every country and prefix started this hour. */
    public Uni<List<Alert>> evaluate() {
        long hour = clock.millis() / HOUR;
        List<Alert> alerts = new ArrayList<>();
        return evaluateScope("country", hour, alerts).chain(() -> evaluateScope("prefix", hour, alerts)).replaceWith(alerts);
    }

    private Uni<Void> evaluateScope(String scope, long hour, List<Alert> alerts) {
        return redis.execute("SMEMBERS", "ca:conv:" + scope + ":" + hour).chain(members -> {
            Uni<Void> u = Uni.createFrom().voidItem();
            if (members == null) {
                return u;
            }
            for (Response m : members) {
                String key = m.toString();
                u = u.chain(() -> evaluateKey(scope, key, hour, alerts));
            }
            return u;
        });
    }

    private Uni<Void> evaluateKey(String scope, String key, long hour, List<Alert> alerts) {
        List<Uni<long[]>> hours = new ArrayList<>();
        for (long h = hour - 24; h <= hour; h++) {
            String k = "ca:conv:{" + scope + ":" + key + "}:" + h;
            hours.add(redis.execute("HMGET", k, "started", "approved").map(r -> new long[]{num(r.get(0)), num(r.get(1))}));
        }
        return Uni.join().all(hours).andFailFast().invoke(counts -> {
            long[] now = counts.get(counts.size() - 1);
            long bs = 0;
            long ba = 0;
            for (int i = 0; i < counts.size() - 1; i++) {
                bs += counts.get(i)[0];
                ba += counts.get(i)[1];
            }
            if (now[0] < minVolume || bs < minVolume || ba == 0) {
                return;
            }
            double conversion = now[1] / (double) now[0];
            double baseline = ba / (double) bs;
            if (conversion < baseline * dropRatio) {
                Alert a = new Alert(scope, key, now[0], now[1], conversion, baseline);
                alerts.add(a);
                metrics.counter("callauth.tollfraud.conversion.drop", "scope", scope, "key", key).increment();
                LOG.warnf("TOLL-FRAUD ALERT: conversion of %s %s fell to %.2f (%d/%d this hour) from %.2f over the "
                        + "previous 24 h", scope, key, conversion, now[1], now[0], baseline);
                for (FraudAlerts l : listeners) {
                    try {
                        l.raised(a, hour, clock.instant());
                    } catch (RuntimeException e) {
                        LOG.warnf("a listener of toll-fraud alerts failed: %s", e.toString());
                    }
                }
            }
        }).replaceWithVoid();
    }

    private static long num(Response r) {
        return r == null ? 0 : Long.parseLong(r.toString());
    }
}
