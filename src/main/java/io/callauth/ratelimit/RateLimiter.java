package io.callauth.ratelimit;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Distributed token buckets: every replica consumes from the same bucket in Redis (compare-and-swap, retried on
 * contention), so counts are exact across replicas. Time comes from the application's {@link Clock}.
 */
public class RateLimiter {

    /** a bucket decision: allowed, or the wait until one more is allowed */
    public record Decision(boolean allowed, long remaining, Duration retryAfter) {
    }

    private final RedisProxyManager buckets;
    /**
     * Bucket proxies per key, so concurrent requests on one bucket share a proxy and its batching: they merge into
     * one compare-and-swap instead of retrying against each other. A proxy holds no token state (that is in Redis);
     * the map is bounded and evicts the eldest.
     */
    private final Map<String, AsyncBucketProxy> proxies = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, AsyncBucketProxy> eldest) {
                    return size() > 10_000;
                }
            });

    public RateLimiter(ReactiveRedisDataSource redis, Clock clock, Duration idleGrace) {
        ClientSideConfig config = ClientSideConfig.getDefault()
                .withClientClock(new TimeMeter() {
                    @Override
                    public long currentTimeNanos() {
                        return TimeUnit.MILLISECONDS.toNanos(clock.millis());
                    }

                    @Override
                    public boolean isWallClockBased() {
                        return true;
                    }
                })
                .withExpirationAfterWriteStrategy(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(idleGrace));
        this.buckets = new RedisProxyManager(redis, config);
    }

    public static String key(String rule, String subject) {
        return "ca:rl:" + rule + ":{" + subject + "}";
    }

    /** Takes one token from the rule's bucket for {@code subject}. */
    public Uni<Decision> consume(Limit limit, String subject) {
        String key = key(limit.rule(), subject);
        AsyncBucketProxy bucket = proxies.computeIfAbsent(key, k -> {
            BucketConfiguration configuration = limit.bucket();
            return buckets.asAsync().builder().withOptimization(Optimizations.batching())
                    .build(k, () -> CompletableFuture.completedFuture(configuration));
        });
        return Uni.createFrom().completionStage(() -> bucket.tryConsumeAndReturnRemaining(1))
                .map(RateLimiter::decision);
    }

    private static Decision decision(ConsumptionProbe p) {
        return new Decision(p.isConsumed(), p.getRemainingTokens(),
                p.isConsumed() ? Duration.ZERO : Duration.ofNanos(p.getNanosToWaitForRefill()));
    }
}
