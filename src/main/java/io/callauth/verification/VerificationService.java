package io.callauth.verification;

import io.callauth.attempts.AttemptType;
import io.callauth.phone.PhoneNumbers;
import io.callauth.provider.CallProvider;
import io.callauth.provider.Channel;
import io.callauth.provider.chain.CallTracker;
import io.callauth.provider.chain.ProviderChain;
import io.callauth.attempts.AttemptLog;
import io.callauth.attempts.AttemptRecord;
import io.callauth.common.ApiProblem;
import io.callauth.security.ApiKey;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The use cases of a verification, one entry for the API: start ({@link VerificationStart}) and check
 * ({@link CodeCheck}) in their own classes; get, resend and cancel here. Every state change is one Lua script on the
 * verification's own keys ({@link VerificationStore}); placing calls is the {@link CallDispatcher}'s job, call
 * outcomes the {@link CallOutcomeHandler}'s, the guards and refusal records {@link Admission}'s.
 */
@ApplicationScoped
public class VerificationService {

    private final VerificationStart starts;
    private final CodeCheck checks;
    private final VerificationReader reader;
    private final VerificationStore store;
    private final ProviderChain chain;
    private final CallTracker tracker;
    private final CallDispatcher dispatcher;
    private final Admission admission;
    private final PhoneNumbers phones;
    private final AttemptLog attempts;
    private final Clock clock;

    public VerificationService(VerificationStart starts, CodeCheck checks, VerificationReader reader,
                               VerificationStore store, ProviderChain chain, CallTracker tracker,
                               CallDispatcher dispatcher, Admission admission, PhoneNumbers phones,
                               AttemptLog attempts, Clock clock) {
        this.starts = starts;
        this.checks = checks;
        this.reader = reader;
        this.store = store;
        this.chain = chain;
        this.tracker = tracker;
        this.dispatcher = dispatcher;
        this.admission = admission;
        this.phones = phones;
        this.attempts = attempts;
        this.clock = clock;
    }

    // ---------------------------------------------------------------- start, check: their own classes

    public Uni<VerificationStart.Started> start(ApiKey key, Requests.Start req, String idempotencyKey) {
        return starts.start(key, req, idempotencyKey);
    }

    public Uni<CheckView> check(ApiKey key, String id, Requests.Check req, ClientContext client) {
        return checks.check(key, id, req, client);
    }

    public Uni<CheckView> checkByPhone(ApiKey key, Requests.CheckByPhone req, ClientContext client) {
        return checks.checkByPhone(key, req, client);
    }

    // ---------------------------------------------------------------- read, cancel, resend

    public Uni<VerificationView> get(ApiKey key, String id) {
        return view(key, id, true);
    }

    private Uni<VerificationView> view(ApiKey key, String id, boolean withEvents) {
        return reader.view(key, id, withEvents);
    }

    private Uni<VerificationStore.Stored> owned(ApiKey key, String id) {
        return reader.owned(key, id, true);
    }

    public Uni<VerificationView> cancel(ApiKey key, String id) {
        return owned(key, id).chain(s -> {
            Verification v = s.verification();
            long now = clock.millis();
            return store.transition(id, VerificationStatus.CANCELED, Events.of(now, "canceled"), now).chain(t -> {
                if (!t.result().ok()) {
                    throw t.status() == null ? VerificationReader.notFound(id) : VerificationReader.conflict(t.status());
                }
                Uni<Void> stop = v.callRef() == null ? Uni.createFrom().voidItem() : tracker.forget(v.callRef());
                return stop.chain(() -> log(v.record(AttemptType.CANCELED, now).build())).chain(() -> view(key, id, false));
            });
        });
    }

    public Uni<VerificationView> resend(ApiKey key, String id, Requests.Resend req) {
        Requests.Resend r = req == null ? new Requests.Resend(null, null) : req;
        Optional<Channel> channel = r.channel() == null || r.channel().equals("auto") ? Optional.empty()
                : Optional.of(Channel.parse(r.channel())
                .orElseThrow(() -> ApiProblem.invalidRequest("channel must be auto, flashcall or voice")));
        return owned(key, id).chain(s -> {
            Verification v = s.verification();
            long now = clock.millis();
            VerificationStatus status = v.statusAt(now);
            if (status != VerificationStatus.PENDING) {
                throw VerificationReader.conflict(status);
            }
            List<CallProvider> candidates;
            if (r.provider() != null) {
                CallProvider asked = chain.byName(r.provider())
                        .orElseThrow(() -> ApiProblem.invalidRequest("provider '" + r.provider() + "' is not in the chain"));
                if (channel.isPresent() && !asked.serves(channel.get())) {
                    throw ApiProblem.invalidRequest("provider '" + r.provider() + "' does not serve " + channel.get().wire());
                }
                candidates = List.of(asked);
            } else if (channel.isPresent()) {
                candidates = chain.candidates(channel.get(), null, Set.of(), false);
            } else {
                candidates = chain.candidates(v.channel().equals("auto") ? null
                        : Channel.parse(v.channel()).orElse(null), v.provider(), Set.of(), true);
            }
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
                    .chain(() -> log(v.record(AttemptType.RESEND, now).provider(candidates.get(0).name()).build()))
                    .chain(() -> dispatcher.placeFirstOf(v, candidates, preferred))
                    .chain(outcome -> {
                        if (outcome.placed()) {
                            return view(key, id, false);
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

    // ---------------------------------------------------------------- log

    private Uni<Void> log(AttemptRecord r) {
        return attempts.append(r);
    }

}
