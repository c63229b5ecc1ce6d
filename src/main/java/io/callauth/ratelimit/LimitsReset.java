package io.callauth.ratelimit;

import io.quarkus.arc.profile.UnlessBuildProfile;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.KeyScanArgs;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.stream.Collectors;

/**
 * The sandbox's reset of the rate limits ({@code DELETE /sandbox/limits}): beside the limits it clears rather than in
 * the sandbox provider, which has no business knowing the limiter's keys. Dev and test builds only, and never in the
 * OpenAPI document.
 */
@Path("/sandbox/limits")
@UnlessBuildProfile("prod")
public class LimitsReset {

    private final ReactiveRedisDataSource redis;

    public LimitsReset(ReactiveRedisDataSource redis) {
        this.redis = redis;
    }

    /**
     * Clears every rate limit's counters, so that the walkthrough can start over at once in dev mode (the limits
     * themselves stay as configured). One Redis node.
     */
    @DELETE
    @Operation(hidden = true)
    public Uni<Response> resetLimits() {
        return redis.key().scan(new KeyScanArgs().match(RateLimiter.KEYS).count(1000))
                .toMulti().group().intoLists().of(500)
                .onItem().transformToUniAndConcatenate(keys -> redis.key().del(keys.toArray(String[]::new)))
                .collect().with(Collectors.summingInt(Integer::intValue))
                .map(n -> Response.noContent().header("X-Cleared-Keys", n).build());
    }
}
