package io.callauth.verification;

import io.callauth.attempts.AttemptType;
import io.callauth.attempts.AttemptLog;
import io.callauth.attempts.AttemptRecords;
import io.callauth.common.ApiProblem;
import io.callauth.phone.PhoneNumbers;
import io.callauth.provider.chain.ProviderChain;
import io.callauth.provider.chain.RouteOrder;
import io.callauth.routing.Costs;
import io.callauth.routing.RoutingTable;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Admission: the abuse guards (rules, geo permissions, rate limits, ...) in their order, and the {@code refused}
 * record of every refusal, including what a monitor-mode rule would have refused. One place for both, so that no
 * refusal goes unrecorded.
 */
@ApplicationScoped
public class Admission {

    private final List<AbuseGuard> guards;
    private final AttemptLog attempts;
    private final VerificationMetrics metrics;
    private final Clock clock;
    private final ProviderChain chain;
    private final Instance<RoutingTable> routing;

    public Admission(Instance<AbuseGuard> guards, AttemptLog attempts, VerificationMetrics metrics, Clock clock,
                     ProviderChain chain, Instance<RoutingTable> routing) {
        this.guards = guards.stream().sorted(Comparator.comparingInt(AbuseGuard::order)).toList();
        this.attempts = attempts;
        this.metrics = metrics;
        this.clock = clock;
        this.chain = chain;
        this.routing = routing;
    }

    /** Passes every guard or fails with the first refusal (an {@link ApiProblem}), recorded. */
    Uni<Void> admit(AbuseGuard.Attempt attempt, String channel) {
        Uni<Void> all = Uni.createFrom().voidItem();
        for (AbuseGuard g : guards) {
            all = all.chain(() -> g.admit(attempt));
        }
        // what a monitor-mode rule would have refused is logged whether or not the attempt goes on
        return all.onItemOrFailure().call((ok, t) -> monitored(attempt, channel))
                .onFailure(ApiProblem.class).call(t -> refused(attempt.apiKey(), attempt.phone(), attempt.context(),
                        channel, attempt.verificationId(), (ApiProblem) t, null));
    }

    /** one {@code refused} record with outcome {@code monitor} per monitor-mode refusal; nothing is refused */
    private Uni<Void> monitored(AbuseGuard.Attempt attempt, String channel) {
        Uni<Void> logged = Uni.createFrom().voidItem();
        if (attempt.verdicts() == null) {
            return logged;
        }
        for (ApiProblem p : attempt.verdicts().monitored()) {
            logged = logged.chain(() -> refused(attempt.apiKey(), attempt.phone(), attempt.context(), channel,
                    attempt.verificationId(), p, "monitor"));
        }
        return logged;
    }

    /** Records a refusal decided outside the guards (bad input, a verification's call budget). */
    Uni<Void> refused(String apiKey, PhoneNumbers.Phone phone, ClientContext ctx, String channel, String id,
                      ApiProblem p) {
        return refused(apiKey, phone, ctx, channel, id, p, null);
    }

    /** {@code outcome}: null for a refusal, {@code monitor} for what a monitor-mode rule would have refused */
    private Uni<Void> refused(String apiKey, PhoneNumbers.Phone phone, ClientContext ctx, String channel, String id,
                             ApiProblem p, String outcome) {
        Object rule = p.extensions().get("rule");
        // the record's reason is the most precise one there is: a geo refusal says which (country_not_allowed,
        // number_type_premium_rate, ...), others give their problem code (invalid_phone, rate_limited, ...)
        Object why = p.extensions().get("reason");
        String reason = why == null ? p.code() : why.toString();
        if (outcome == null) {
            metrics.refused(rule == null ? p.code() : rule.toString());
        }
        ClientContext c = ctx == null ? ClientContext.EMPTY : ctx;
        // a refused start (no verification yet, not a monitor-mode note) is a call not placed: its would-be cost
        String detail = outcome == null && id == null ? prevented(phone) : null;
        return attempts.append(AttemptRecords.at(clock.millis(), AttemptType.REFUSED).verification(id)
                .phone(phone == null ? null : phone.e164(), phone == null ? null : phone.region())
                .channel(channel).outcome(outcome).reason(reason).rule(rule == null ? null : rule.toString())
                .apiKey(apiKey).client(c.ip(), c.userAgent(), c.appId(), c.deviceId()).detail(detail).build());
    }

    /**
     * The call a refused start did not place, with costs configured: the provider the chain would have called first
     * for this destination (the routing order without exploration, from memory) and that call's cost per
     * {@link Costs}, as the refused record's detail {@code {"prevented": {"provider": "callpass", "cost": 0.4}}}.
     * Null without a destination (bad input), without costs or without a provider.
     */
    private String prevented(PhoneNumbers.Phone phone) {
        if (phone == null || !routing.isResolvable()) {
            return null;
        }
        Costs costs = routing.get().costs();
        if (!costs.configured()) {
            return null;
        }
        RouteOrder.Route route = chain.route(null, phone.e164(), phone.region(), Set.of(),
                RouteOrder.Purpose.FALLBACK, null);
        if (route.isEmpty()) {
            return null;
        }
        String provider = route.first().name();
        double cost = costs.of(provider, phone.e164(), phone.region());
        // provider names are configuration keys (letters, digits, dashes): no escaping needed
        return String.format(Locale.ROOT, "{\"prevented\":{\"provider\":\"%s\",\"cost\":%s}}", provider,
                Double.toString(cost));
    }
}
