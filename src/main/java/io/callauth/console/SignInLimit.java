package io.callauth.console;

import io.callauth.security.ClientAddress;
import io.callauth.ratelimit.Limit;
import io.callauth.ratelimit.RateLimiter;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Sign-in attempts to the console per client address ({@code callauth.console.sign-in-limit}, 10 per 15 minutes):
 * a bucket in Redis, shared by every replica, so a fraud key cannot be guessed by trying keys. A successful sign-in
 * gives its token back: only failed attempts use the allowance up.
 */
@ApplicationScoped
public class SignInLimit {

    static final String RULE = "console-sign-in";

    private final RateLimiter limiter;
    private final Limit limit;
    private final ClientAddress address;

    public SignInLimit(ReactiveRedisDataSource redis, Clock clock, ConsoleConfig config, ClientAddress address) {
        this.limiter = new RateLimiter(redis, clock, Duration.ofMinutes(1));
        this.limit = Limit.parse(RULE, config.signInLimit());
        this.address = address;
    }

    /** one attempt from the request's client; empty when the limit is off, else the decision */
    public Optional<RateLimiter.Decision> take(HttpServerRequest request) {
        String client = address.of(request);
        if (!limit.enabled() || client == null) {
            return Optional.empty();
        }
        return Optional.of(limiter.consume(limit, client).await().atMost(Duration.ofSeconds(2)));
    }

    /** gives back the attempt of a sign-in that succeeded */
    public void succeeded(Optional<RateLimiter.Decision> taken) {
        taken.filter(RateLimiter.Decision::allowed).ifPresent(d -> limiter.refund(d).await().atMost(Duration.ofSeconds(2)));
    }
}
