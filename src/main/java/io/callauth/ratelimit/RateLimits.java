package io.callauth.ratelimit;

import io.callauth.common.ApiProblem;
import io.callauth.common.Masking;
import io.callauth.verification.AbuseGuard;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The rate-limit rules over distributed buckets. Starts and resends consume from the destination, the prefix, the
 * client IP and the API key buckets together (one round trip; a refusal by one gives the others their token back);
 * checks from the client IP's check bucket. The first empty bucket in that order refuses with 429 {@code rate_limited}, {@code Retry-After} the seconds until it allows one more, and the
 * rule's name. A prefix bucket running dry is also a toll-fraud signal (metric and alert log).
 */
@ApplicationScoped
public class RateLimits implements AbuseGuard {

    private static final Logger LOG = Logger.getLogger(RateLimits.class);

    private final RateLimiter limiter;
    private final Limit destination;
    private final Limit prefix;
    private final Limit ip;
    private final Limit apiKey;
    private final Limit checkIp;
    private final MeterRegistry metrics;

    public RateLimits(ReactiveRedisDataSource redis, Clock clock, RateLimitConfig config, MeterRegistry metrics) {
        this.limiter = new RateLimiter(redis, clock, config.idleGrace());
        this.destination = Limit.parse("destination", config.destination());
        this.prefix = Limit.parse("prefix", config.prefix());
        this.ip = Limit.parse("ip", config.ip());
        this.apiKey = Limit.parse("api_key", config.apiKey());
        this.checkIp = Limit.parse("check_ip", config.checkIp());
        this.metrics = metrics;
    }

    @Override
    public int order() {
        return 50;
    }

    @Override
    public Uni<Void> admit(Attempt a) {
        List<Map.Entry<Limit, String>> rules = new ArrayList<>();
        String clientIp = a.context() == null ? null : a.context().ip();
        if (a.action() == Action.CHECK) {
            add(rules, checkIp, clientIp);
        } else {
            add(rules, destination, a.phone().e164());
            if (a.verdicts() == null || !a.verdicts().safeListed()) {
                // an allow rule of the fraud team exempts from the prefix limit, never from the others
                add(rules, prefix, a.phone().prefix());
            }
            add(rules, ip, clientIp);
            add(rules, apiKey, a.apiKey());
        }
        return consume(rules, a);
    }

    private static void add(List<Map.Entry<Limit, String>> rules, Limit limit, String subject) {
        if (limit.enabled() && subject != null && !subject.isBlank()) {
            rules.add(Map.entry(limit, subject));
        }
    }

    /**
     * Every bucket of the attempt at once (one round trip: each bucket is its own key and slot, asked in parallel).
     * Refused by any: the tokens the others took are given back, and the first refusal in rule order answers.
     */
    private Uni<Void> consume(List<Map.Entry<Limit, String>> rules, Attempt a) {
        if (rules.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<RateLimiter.Decision>> asks = rules.stream()
                .map(r -> limiter.consume(r.getKey(), r.getValue())).toList();
        return Uni.join().all(asks).andFailFast().chain(decisions -> {
            RateLimiter.Decision refused = decisions.stream().filter(d -> !d.allowed()).findFirst().orElse(null);
            if (refused == null) {
                return Uni.createFrom().voidItem();
            }
            decisions.stream().filter(d -> !d.allowed() && d.limit() == prefix).findFirst().ifPresent(d -> {
                metrics.counter("callauth.tollfraud.prefix.velocity", "prefix", d.subject()).increment();
                LOG.warnf("TOLL-FRAUD ALERT: prefix %s… exceeded %s (api key %s, destination %s)", d.subject(),
                        d.limit().windows(), a.apiKey(), Masking.phone(a.phone().e164()));
            });
            List<Uni<Void>> refunds = decisions.stream().filter(RateLimiter.Decision::allowed)
                    .map(limiter::refund).toList();
            Uni<Void> given = refunds.isEmpty() ? Uni.createFrom().voidItem()
                    : Uni.join().all(refunds).andCollectFailures().replaceWithVoid();
            long retry = Math.max(1, (refused.retryAfter().toMillis() + 999) / 1000);
            Limit limit = refused.limit();
            return given.chain(() -> Uni.createFrom().failure(ApiProblem.rateLimited(
                    "too many attempts for this " + describe(limit.rule()) + "; retry in " + retry + " s",
                    limit.rule(), retry)));
        });
    }

    private static String describe(String rule) {
        return switch (rule) {
            case "destination" -> "phone number";
            case "prefix" -> "number range";
            case "ip", "check_ip" -> "client IP";
            case "api_key" -> "API key";
            default -> rule;
        };
    }
}
