package io.callauth.ratelimit;

import io.callauth.common.LuaScript;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Distributed token buckets: one Redis hash per rule and subject, consumed by one script call (atomic on the key,
 * so counts are exact across replicas however many ask at once). Each window refills all its tokens at once at the
 * end of its interval, counted from the bucket's first use. Time comes from the application's {@link Clock}. An
 * idle bucket expires once it would be full again plus a grace.
 */
public class RateLimiter {

    private static final LuaScript CONSUME = LuaScript.fromResource("ratelimit-consume");
    private static final LuaScript REFUND = LuaScript.fromResource("ratelimit-refund");

    /** a bucket decision: allowed, or the wait until one more is allowed; {@code refills} names the windows' state */
    public record Decision(Limit limit, String subject, boolean allowed, long remaining, Duration retryAfter,
                           List<Long> refills) {
    }

    private final ReactiveRedisDataSource redis;
    private final Clock clock;
    private final Duration idleGrace;

    public RateLimiter(ReactiveRedisDataSource redis, Clock clock, Duration idleGrace) {
        this.redis = redis;
        this.clock = clock;
        this.idleGrace = idleGrace;
    }

    /** a SCAN pattern of every limit's counters */
    public static final String KEYS = "ca:rl:*";

    public static String key(String rule, String subject) {
        return "ca:rl:" + rule + ":{" + subject + "}";
    }

    /** Takes one token from the rule's bucket for {@code subject}, or none when a window is empty. One round trip. */
    public Uni<Decision> consume(Limit limit, String subject) {
        long longest = 0;
        List<String> args = new ArrayList<>(2 + 2 * limit.windows().size());
        args.add(Long.toString(clock.millis()));
        args.add("");
        for (Limit.Window w : limit.windows()) {
            args.add(Long.toString(w.count()));
            args.add(Long.toString(w.per().toMillis()));
            longest = Math.max(longest, w.per().toMillis());
        }
        args.set(1, Long.toString(longest + idleGrace.toMillis()));
        return CONSUME.call(redis, List.of(key(limit.rule(), subject)), args).map(r -> decision(limit, subject, r));
    }

    /** Gives back what {@link #consume} took (when the attempt was refused by another bucket), within its windows. */
    public Uni<Void> refund(Decision d) {
        List<String> args = new ArrayList<>(3 * d.refills().size());
        for (int i = 0; i < d.limit().windows().size() && i < d.refills().size(); i++) {
            Limit.Window w = d.limit().windows().get(i);
            args.add(Long.toString(w.count()));
            args.add(Long.toString(w.per().toMillis()));
            args.add(Long.toString(d.refills().get(i)));
        }
        return REFUND.call(redis, List.of(key(d.limit().rule(), d.subject())), args).replaceWithVoid();
    }

    private static Decision decision(Limit limit, String subject, Response r) {
        List<Long> refills = new ArrayList<>();
        for (int i = 3; i < r.size(); i++) {
            refills.add(r.get(i).toLong());
        }
        boolean allowed = r.get(0).toLong() == 1L;
        return new Decision(limit, subject, allowed, r.get(2).toLong(),
                allowed ? Duration.ZERO : Duration.ofMillis(r.get(1).toLong()), List.copyOf(refills));
    }
}
