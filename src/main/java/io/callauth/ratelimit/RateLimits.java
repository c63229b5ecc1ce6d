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
 * The rate-limit rules over distributed buckets. Starts and resends consume, in order, from the destination,
 * the prefix, the client IP and the API key buckets; checks from the client IP's check bucket. The first empty
 * bucket refuses with 429 {@code rate_limited}, {@code Retry-After} the seconds until it allows one more, and the
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
        return consume(rules, 0, a);
    }

    private static void add(List<Map.Entry<Limit, String>> rules, Limit limit, String subject) {
        if (limit.enabled() && subject != null && !subject.isBlank()) {
            rules.add(Map.entry(limit, subject));
        }
    }

    private Uni<Void> consume(List<Map.Entry<Limit, String>> rules, int i, Attempt a) {
        if (i >= rules.size()) {
            return Uni.createFrom().voidItem();
        }
        Limit limit = rules.get(i).getKey();
        String subject = rules.get(i).getValue();
        return limiter.consume(limit, subject).chain(d -> {
            if (d.allowed()) {
                return consume(rules, i + 1, a);
            }
            long retry = Math.max(1, (d.retryAfter().toMillis() + 999) / 1000);
            if (limit == prefix) {
                metrics.counter("callauth.tollfraud.prefix.velocity", "prefix", subject).increment();
                LOG.warnf("TOLL-FRAUD ALERT: prefix %s… exceeded %s (api key %s, destination %s)", subject,
                        limit.windows(), a.apiKey(), Masking.phone(a.phone().e164()));
            }
            return Uni.createFrom().failure(new ApiProblem(429, "rate_limited",
                    "too many attempts for this " + describe(limit.rule()) + "; retry in " + retry + " s",
                    Map.of("rule", limit.rule()), retry));
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
