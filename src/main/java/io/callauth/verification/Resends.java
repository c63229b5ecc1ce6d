package io.callauth.verification;

import io.callauth.attempts.AttemptLog;
import io.callauth.attempts.AttemptType;
import io.callauth.common.ApiProblem;
import io.callauth.phone.PhoneNumbers;
import io.callauth.provider.CallProvider;
import io.callauth.provider.Channel;
import io.callauth.provider.chain.CallTracker;
import io.callauth.provider.chain.ProviderChain;
import io.callauth.provider.chain.RouteOrder;
import io.callauth.security.ApiKey;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A resend: a new call with a new code (the old code stops passing), through the next provider of the chain, the one
 * asked for, or the first that serves the channel asked for; within the verification's budget of calls and the
 * guards a start passes.
 */
@ApplicationScoped
public class Resends {

    private final VerificationReader reader;
    private final ProviderChain chain;
    private final CallTracker tracker;
    private final CallDispatcher dispatcher;
    private final Admission admission;
    private final PhoneNumbers phones;
    private final RequestValidation validation;
    private final AttemptLog attempts;
    private final Clock clock;

    public Resends(VerificationReader reader, ProviderChain chain, CallTracker tracker, CallDispatcher dispatcher,
                   Admission admission, PhoneNumbers phones, RequestValidation validation, AttemptLog attempts,
                   Clock clock) {
        this.reader = reader;
        this.chain = chain;
        this.tracker = tracker;
        this.dispatcher = dispatcher;
        this.admission = admission;
        this.phones = phones;
        this.validation = validation;
        this.attempts = attempts;
        this.clock = clock;
    }

    public Uni<VerificationView> resend(ApiKey key, String id, Requests.Resend req) {
        // both fields are optional, and so is the body; what is given is checked by its constraints
        Requests.Resend r = validation.check(req == null ? new Requests.Resend(null, null) : req, "");
        Optional<Channel> channel = r.channel() == null || r.channel().equals("auto") ? Optional.empty()
                : Channel.parse(r.channel());
        return reader.owned(key, id, true).chain(s -> {
            Verification v = s.verification();
            long now = clock.millis();
            VerificationStatus status = v.statusAt(now);
            if (status != VerificationStatus.PENDING) {
                throw VerificationReader.conflict(status);
            }
            RouteOrder.Route route;
            if (r.provider() != null) {
                CallProvider asked = chain.byName(r.provider())
                        .orElseThrow(() -> ApiProblem.invalidRequest("provider '" + r.provider() + "' is not in the chain"));
                if (channel.isPresent() && !asked.serves(channel.get())) {
                    throw ApiProblem.invalidRequest("provider '" + r.provider() + "' does not serve " + channel.get().wire());
                }
                // asked for explicitly: it wins over routing
                route = RouteOrder.Route.of(List.of(asked));
            } else if (channel.isPresent()) {
                route = chain.route(channel.get(), v.phone(), v.region(), Set.of(), RouteOrder.Purpose.FALLBACK, null);
            } else {
                route = chain.route(v.channel().equals("auto") ? null : Channel.parse(v.channel()).orElse(null),
                        v.phone(), v.region(), Set.of(), RouteOrder.Purpose.RESEND, v.provider());
            }
            List<CallProvider> candidates = route.providers();
            if (candidates.isEmpty()) {
                throw ApiProblem.invalidRequest("no provider of the chain serves that channel");
            }
            if (v.calls() >= v.maxCalls()) {
                return budgetRefusal(key, v, now);
            }
            Channel preferred = channel.orElse(v.channel().equals("auto") ? null : Channel.parse(v.channel()).orElse(null));
            PhoneNumbers.Phone phone = phones.normalise(v.phone());
            AbuseGuard.Attempt attempt = new AbuseGuard.Attempt(AbuseGuard.Action.RESEND, key.name(), phone, v.context(), id);
            Uni<Void> stopOld = v.callRef() == null ? Uni.createFrom().voidItem() : tracker.forget(v.callRef());
            return admission.admit(attempt, v.channel())
                    .chain(() -> stopOld)
                    .chain(() -> attempts.append(v.record(AttemptType.RESEND, now).provider(candidates.get(0).name()).build()))
                    .chain(() -> dispatcher.placeFirstOf(v, route, preferred))
                    .chain(outcome -> {
                        if (outcome.placed()) {
                            return reader.view(key, id, false);
                        }
                        return switch (outcome.refused()) {
                            case null -> throw ApiProblem.providersUnavailable(
                                    "no provider could place a call; try again later", Map.of(), 30L);
                            case VerificationStore.Reserve.BudgetSpent spent -> budgetRefusal(key, v, now);
                            case VerificationStore.Reserve.Ended ended -> throw VerificationReader.conflict(ended.status());
                            case VerificationStore.Reserve.NotFound gone -> throw VerificationReader.notFound(id);
                            case VerificationStore.Reserve.Ok ok -> throw new IllegalStateException("reserved, not placed");
                        };
                    });
        });
    }

    private Uni<VerificationView> budgetRefusal(ApiKey key, Verification v, long now) {
        long retry = Math.max(1, (v.expiresAt() - now + 999) / 1000);
        ApiProblem p = ApiProblem.rateLimited("this verification has used all its calls", "verification_calls", retry);
        return admission.refused(key.name(), v.phone() == null ? null : phones.normalise(v.phone()), v.context(),
                        v.channel(), v.id(), p)
                .chain(() -> Uni.createFrom().failure(p));
    }
}
