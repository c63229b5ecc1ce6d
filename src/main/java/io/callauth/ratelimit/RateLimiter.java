package io.callauth.ratelimit;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

import java.time.Clock;
import java.time.Duration;
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
        BucketConfiguration configuration = limit.bucket();
        return Uni.createFrom().completionStage(() -> buckets.asAsync().builder()
                        .build(key(limit.rule(), subject), () -> java.util.concurrent.CompletableFuture.completedFuture(configuration))
                        .tryConsumeAndReturnRemaining(1))
                .map(RateLimiter::decision);
    }

    private static Decision decision(ConsumptionProbe p) {
        return new Decision(p.isConsumed(), p.getRemainingTokens(),
                p.isConsumed() ? Duration.ZERO : Duration.ofNanos(p.getNanosToWaitForRefill()));
    }
}
