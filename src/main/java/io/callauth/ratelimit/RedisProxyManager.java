package io.callauth.ratelimit;

import io.callauth.common.LuaScript;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.AbstractCompareAndSwapBasedProxyManager;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.AsyncCompareAndSwapOperation;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.CompareAndSwapOperation;
import io.github.bucket4j.distributed.remote.RemoteBucketState;
import io.github.bucket4j.redis.consts.LuaScripts;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Bucket4j buckets in Redis through the application's one (reactive) Redis client. Compare-and-swap with the
 * scripts of bucket4j-redis-common, called by SHA; the state is stored Base64-encoded (the reactive client speaks
 * strings). Every write sets a TTL from the expiration strategy, so an idle bucket disappears by itself. One key
 * per bucket: safe on Redis Cluster.
 */
public class RedisProxyManager extends AbstractCompareAndSwapBasedProxyManager<String> {

    private static final LuaScript SET_NX_PX = LuaScript.of("bucket4j-set-nx-px", LuaScripts.SCRIPT_SET_NX_PX);
    private static final LuaScript CAS_PX = LuaScript.of("bucket4j-cas-px", LuaScripts.SCRIPT_COMPARE_AND_SWAP_PX);
    private static final Duration BLOCKING_TIMEOUT = Duration.ofSeconds(10);

    private final ReactiveRedisDataSource redis;
    private final ClientSideConfig config;

    public RedisProxyManager(ReactiveRedisDataSource redis, ClientSideConfig config) {
        super(config);
        this.redis = redis;
        this.config = config;
    }

    @Override
    protected CompareAndSwapOperation beginCompareAndSwapOperation(String key) {
        AsyncCompareAndSwapOperation async = beginAsyncCompareAndSwapOperation(key);
        return new CompareAndSwapOperation() {
            @Override
            public Optional<byte[]> getStateData(Optional<Long> timeoutNanos) {
                return async.getStateData(timeoutNanos).orTimeout(BLOCKING_TIMEOUT.toMillis(),
                        java.util.concurrent.TimeUnit.MILLISECONDS).join();
            }

            @Override
            public boolean compareAndSwap(byte[] original, byte[] newData, RemoteBucketState state,
                                          Optional<Long> timeoutNanos) {
                return async.compareAndSwap(original, newData, state, timeoutNanos).orTimeout(
                        BLOCKING_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS).join();
            }
        };
    }

    @Override
    protected AsyncCompareAndSwapOperation beginAsyncCompareAndSwapOperation(String key) {
        return new AsyncCompareAndSwapOperation() {
            @Override
            public CompletableFuture<Optional<byte[]>> getStateData(Optional<Long> timeoutNanos) {
                return redis.execute("GET", key)
                        .map(r -> r == null ? Optional.<byte[]>empty() : Optional.of(Base64.getDecoder().decode(r.toString())))
                        .subscribeAsCompletionStage();
            }

            @Override
            public CompletableFuture<Boolean> compareAndSwap(byte[] original, byte[] newData, RemoteBucketState state,
                                                             Optional<Long> timeoutNanos) {
                long ttl = ttlMillis(state);
                String fresh = Base64.getEncoder().encodeToString(newData);
                Uni<Boolean> op = original == null
                        ? SET_NX_PX.call(redis, List.of(key), List.of(fresh, Long.toString(ttl))).map(r -> r.toLong() == 1L)
                        : CAS_PX.call(redis, List.of(key), List.of(Base64.getEncoder().encodeToString(original), fresh,
                        Long.toString(ttl))).map(r -> r.toLong() == 1L);
                return op.subscribeAsCompletionStage();
            }
        };
    }

    private long ttlMillis(RemoteBucketState state) {
        long ttl = config.getExpirationAfterWriteStrategy()
                .map(s -> s.calculateTimeToLiveMillis(state, currentTimeNanos()))
                .orElse(Duration.ofDays(1).toMillis());
        return Math.max(1000L, ttl);
    }

    @Override
    public void removeProxy(String key) {
        redis.execute("DEL", key).await().atMost(BLOCKING_TIMEOUT);
    }

    @Override
    protected CompletableFuture<Void> removeAsync(String key) {
        return redis.execute("DEL", key).replaceWithVoid().subscribeAsCompletionStage();
    }

    @Override
    public boolean isAsyncModeSupported() {
        return true;
    }

    @Override
    public boolean isExpireAfterWriteSupported() {
        return true;
    }
}
