package io.callauth.ratelimit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import io.callauth.common.ApiProblem;
import io.callauth.security.ApiKey;
import io.callauth.security.ApiKeyFilter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A flood shield per replica, in front of Redis: each API key gets an in-process token bucket (Bucket4j) per
 * window of {@code callauth.rate-limits.replica-shield}; a verify-API request past it is refused at once, 429
 * {@code rate_limited} with rule {@code replica_shield}, without a Redis round trip, an attempt record or a provider
 * call. The shared limits (one Lua script per start, across replicas) are not replaced: they still count what passes.
 * Bucket4j's in-memory buckets are lock-free; time comes from the injectable clock.
 */
@ApplicationScoped
public class ReplicaShield {

    static final String RULE = "replica_shield";

    private final Limit limit;
    private final TimeMeter time;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Counter refused;

    public ReplicaShield(RateLimitConfig config, Clock clock, MeterRegistry registry) {
        this.limit = Limit.parse(RULE, config.replicaShield().orElse(config.apiKey()));
        this.time = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return clock.millis() * 1_000_000L;
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
        this.refused = Counter.builder("callauth.replica.shield.refused")
                .description("verify-API requests refused by this replica's in-process shield, before Redis")
                .register(registry);
    }

    /** whether a verify-API request of this key may go on; counts it when it may, and refuses with a 429 when not */
    void admit(ApiKey key) {
        if (!limit.enabled() || buckets.computeIfAbsent(key.name(), k -> bucket()).tryConsume(1)) {
            return;
        }
        refused.increment();
        throw ApiProblem.rateLimited("too many requests for this API key at this replica; retry in 1 s", RULE, 1);
    }

    /** after the key filter: the verify API's requests go through the shield first */
    public static class Filter {
        private final ReplicaShield shield;

        public Filter(ReplicaShield shield) {
            this.shield = shield;
        }

        @ServerRequestFilter
        public void shield(ContainerRequestContext ctx) {
            if (ctx.getProperty(ApiKeyFilter.KEY) instanceof ApiKey key
                    && ctx.getUriInfo().getPath().startsWith("/v1/verifications")) {
                shield.admit(key);
            }
        }
    }

    private Bucket bucket() {
        var builder = Bucket.builder().withCustomTimePrecision(time);
        for (Limit.Window w : limit.windows()) {
            builder.addLimit(Bandwidth.builder().capacity(w.count()).refillGreedy(w.count(), w.per()).build());
        }
        return builder.build();
    }
}
