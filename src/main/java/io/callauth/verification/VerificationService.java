package io.callauth.verification;

import io.callauth.provider.CallProvider;
import io.callauth.provider.CallStatus;
import io.callauth.provider.Channel;
import io.callauth.provider.chain.CallTracker;
import io.callauth.provider.chain.ProviderChain;
import io.callauth.attempts.AttemptLog;
import io.callauth.attempts.AttemptRecord;
import io.callauth.attempts.AttemptRecords;
import io.callauth.common.ApiProblem;
import io.callauth.common.Ids;
import io.callauth.security.ApiKey;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The use cases of a verification: start, get, check, resend, cancel. Every state change is one Lua script on the
 * verification's own keys ({@link VerificationStore}); placing calls is the {@link CallDispatcher}'s job, call
 * outcomes the {@link CallOutcomeHandler}'s, the guards and refusal records {@link Admission}'s.
 */
@ApplicationScoped
public class VerificationService {

    private static final Logger LOG = Logger.getLogger(VerificationService.class);

    private final VerificationStore store;
    private final ProviderChain chain;
    private final CallTracker tracker;
    private final CallDispatcher dispatcher;
    private final CallOutcomeHandler outcomes;
    private final Admission admission;
    private final CodeHasher hasher;
    private final PhoneNumbers phones;
    private final AttemptLog attempts;
    private final VerificationConfig config;
    private final VerificationMetrics metrics;
    private final Clock clock;
    private final List<VerificationObserver> observers;

    public VerificationService(VerificationStore store, ProviderChain chain, CallTracker tracker,
                               CallDispatcher dispatcher, CallOutcomeHandler outcomes, Admission admission,
                               CodeHasher hasher, PhoneNumbers phones, AttemptLog attempts, VerificationConfig config,
                               VerificationMetrics metrics, Clock clock, Instance<VerificationObserver> observers) {
        this.store = store;
        this.chain = chain;
        this.tracker = tracker;
        this.dispatcher = dispatcher;
        this.outcomes = outcomes;
        this.admission = admission;
        this.hasher = hasher;
        this.phones = phones;
        this.attempts = attempts;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
        this.observers = observers.stream().toList();
    }

    /** Observers are analytics: told in the background, never holding up the answer, their failures logged. */
    private Uni<Void> observe(java.util.function.Function<VerificationObserver, Uni<Void>> call) {
        for (VerificationObserver o : observers) {
            call.apply(o).subscribe().with(ok -> {
            }, t -> LOG.debugf("observer %s failed: %s", o.getClass().getSimpleName(), t.toString()));
        }
        return Uni.createFrom().voidItem();
    }

    // ---------------------------------------------------------------- start

    public record Started(VerificationView view, boolean replayed) {
    }

    public Uni<Started> start(ApiKey key, Requests.Start req, String idempotencyKey) {
        ClientContext ctx = req == null || req.context() == null ? ClientContext.EMPTY : req.context();
        String requested = req == null || req.channel() == null ? "auto" : req.channel();
        PhoneNumbers.Phone phone;
        try {
            if (req == null) {
                throw ApiProblem.invalidRequest("a JSON body with 'phone' is required");
            }
            if (!requested.equals("auto") && Channel.parse(requested).isEmpty()) {
                throw ApiProblem.invalidRequest("channel must be auto, flashcall or voice");
            }
            validateContext(ctx);
            if (idempotencyKey != null && (idempotencyKey.isEmpty() || idempotencyKey.length() > 255
                    || !idempotencyKey.chars().allMatch(c -> c > 32 && c < 127))) {
                throw ApiProblem.invalidRequest("Idempotency-Key must be 1 to 255 visible ASCII characters");
            }
            phone = phones.normalise(req.phone());
        } catch (ApiProblem p) {
            // a refusal for bad input is an attempt too: the fraud team sees malformed traffic in the log
            String channel = requested.length() > 16 ? requested.substring(0, 16) : requested;
            return admission.refused(key.name(), null, clipped(ctx), channel, null, p)
                    .replaceWith(Uni.createFrom().failure(p));
        }
        if (idempotencyKey == null) {
            return startNew(key, phone, requested, ctx, null);
        }
        return store.newestForIdempotencyKey(key.name(), idempotencyKey).chain(existing -> existing.isPresent()
                ? replay(key, existing.get(), phone)
                : startNew(key, phone, requested, ctx, idempotencyKey));
    }

    private Uni<Started> replay(ApiKey key, String stored, PhoneNumbers.Phone phone) {
        String[] parts = stored.split("\\|", 2);
        if (parts.length != 2 || !parts[1].equals(phone.e164())) {
            throw new ApiProblem(422, "idempotency_conflict",
                    "this Idempotency-Key was already used for a different request");
        }
        return view(key, parts[0], false).map(v -> new Started(v, true));
    }

    private Uni<Started> startNew(ApiKey key, PhoneNumbers.Phone phone, String requested, ClientContext ctx,
                                  String idempotencyKey) {
        AbuseGuard.Attempt attempt = new AbuseGuard.Attempt(AbuseGuard.Action.START, key.name(), phone, ctx, null);
        return admission.admit(attempt, requested).chain(() -> {
            long now = clock.millis();
            String id = Ids.random("vf_", 16);
            Channel preferred = requested.equals("auto") ? null : Channel.parse(requested).orElseThrow();
            List<CallProvider> candidates = chain.candidates(preferred, null, Set.of(), false);
            Verification fresh = new Verification(id, key.name(), phone.e164(), phone.region(),
                    VerificationStatus.PENDING, requested, CallStatus.QUEUED, null, null, null, null, "",
                    config.codeLength(), 0, config.maxChecks(), 0, config.maxCalls(), now,
                    now + config.codeTtl().toMillis(), now, null, ctx);
            // the started record names the provider the verification is routed to first: conversion by provider
            // counts a verification under the provider that got it first
            AttemptRecord started = fresh.record("started", now)
                    .provider(candidates.isEmpty() ? null : candidates.get(0).name()).build();
            // the first candidate's call is reserved by the create script itself
            CallRef firstRef = candidates.isEmpty() ? null : CallRef.next(id);
            Verification v = firstRef == null ? fresh : fresh.withFirstCall(firstRef, candidates.get(0).name(),
                    CallDispatcher.channelFor(candidates.get(0), preferred).wire());
            Uni<Boolean> created = store.create(v, Events.of(now, "started", "channel", requested),
                    config.keyTtl().toMillis());
            Uni<Void> indexed = store.indexPhone(key.name(), v.phone(), v.id(), config.codeTtl().toMillis());
            if (idempotencyKey == null) {
                // one round trip: the verification with its first call reserved, its record, its phone index
                return Uni.combine().all().unis(created, log(started), indexed).asTuple()
                        .chain(() -> begun(key, v, phone, preferred, candidates, firstRef));
            }
            return created.chain(() -> store.claimIdempotencyKey(key.name(), idempotencyKey,
                            id + "|" + phone.e164(), config.idempotencyTtl().toMillis()))
                    .chain(lost -> lost.isPresent()
                            // a concurrent request with the same key won: ours never placed a call, drop it
                            ? store.delete(id).chain(() -> replay(key, lost.get(), phone))
                            : Uni.combine().all().unis(log(started), indexed).asTuple()
                            .chain(() -> begun(key, v, phone, preferred, candidates, firstRef)));
        });
    }

    private Uni<Started> begun(ApiKey key, Verification v, PhoneNumbers.Phone phone, Channel preferred,
                               List<CallProvider> candidates, CallRef firstRef) {
        metrics.started();
        observe(o -> o.started(phone.region(), phone.prefix()));
        Uni<CallDispatcher.Outcome> placing = firstRef == null ? dispatcher.placeFirstOf(v, candidates, preferred)
                : dispatcher.placeFirstOf(v, candidates, preferred, firstRef);
        return placing.chain(outcome -> {
            if (outcome.placed()) {
                if (!outcome.settled() && outcome.state().result().equals("ok")) {
                    // the answer from what the placing script returned: no read
                    long now = clock.millis();
                    Verification placed = v.afterCall(outcome.state(), outcome.channel().wire(), now);
                    return Uni.createFrom().item(new Started(VerificationView.of(placed, now, null), false));
                }
                // the provider settled the call at once (or an outcome overtook us): the state may have moved on
                return view(key, v.id(), false).map(view -> new Started(view, false));
            }
            return outcomes.fail(v, "no provider could place a call").chain(() -> Uni.createFrom().failure(new ApiProblem(503,
                    "providers_unavailable", "no provider could place a call; try again later",
                    Map.of("verificationId", v.id()), 30L)));
        });
    }

    // ---------------------------------------------------------------- read, cancel, resend

    public Uni<VerificationView> get(ApiKey key, String id) {
        return view(key, id, true);
    }

    private Uni<VerificationView> view(ApiKey key, String id, boolean withEvents) {
        return owned(key, id, withEvents).map(s -> VerificationView.of(s.verification(), clock.millis(),
                withEvents ? s.events() : null));
    }

    private Uni<VerificationStore.Stored> owned(ApiKey key, String id) {
        return owned(key, id, true);
    }

    private Uni<VerificationStore.Stored> owned(ApiKey key, String id, boolean withEvents) {
        if (!validId(id)) {
            return Uni.createFrom().failure(ApiProblem.notFound("no verification " + safeId(id)));
        }
        return store.get(id, withEvents).map(s -> s.filter(st -> key.name().equals(st.verification().apiKey()))
                .orElseThrow(() -> ApiProblem.notFound("no verification " + id)));
    }

    public Uni<VerificationView> cancel(ApiKey key, String id) {
        return owned(key, id).chain(s -> {
            Verification v = s.verification();
            long now = clock.millis();
            return store.transition(id, VerificationStatus.CANCELED, Events.of(now, "canceled"), now).chain(t -> {
                if (!t.result().equals("ok")) {
                    throw conflict(t.status());
                }
                Uni<Void> stop = v.callRef() == null ? Uni.createFrom().voidItem() : tracker.forget(v.callRef());
                return stop.chain(() -> log(v.record("canceled", now).build())).chain(() -> view(key, id, false));
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
                throw conflict(status.wire());
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
                    .chain(() -> log(v.record("resend", now).provider(candidates.get(0).name()).build()))
                    .chain(() -> dispatcher.placeFirstOf(v, candidates, preferred))
                    .chain(outcome -> {
                        if (outcome.placed()) {
                            return view(key, id, false);
                        }
                        if (outcome.refusal().equals("budget")) {
                            return budgetRefusal(key, v, now);
                        }
                        if (!outcome.refusal().equals("exhausted")) {
                            throw conflict(outcome.refusal());
                        }
                        throw new ApiProblem(503, "providers_unavailable",
                                "no provider could place a call; try again later", Map.of(), 30L);
                    });
        });
    }

    private Uni<VerificationView> budgetRefusal(ApiKey key, Verification v, long now) {
        long retry = Math.max(1, (v.expiresAt() - now + 999) / 1000);
        ApiProblem p = new ApiProblem(429, "rate_limited", "this verification has used all its calls",
                Map.of("rule", "verification_calls"), retry);
        return admission.refused(key.name(), v.phone() == null ? null : phones.normalise(v.phone()), v.context(),
                        v.channel(), v.id(), p)
                .chain(() -> Uni.createFrom().failure(p));
    }

    // ---------------------------------------------------------------- check

    public Uni<CheckView> check(ApiKey key, String id, Requests.Check req, ClientContext client) {
        String code = validCode(req == null ? null : req.code());
        if (!validId(id)) {
            return Uni.createFrom().failure(ApiProblem.notFound("no verification " + safeId(id)));
        }
        return admission.admit(new AbuseGuard.Attempt(AbuseGuard.Action.CHECK, key.name(), null, client, id), null)
                .chain(() -> checkId(key, id, code));
    }

    public Uni<CheckView> checkByPhone(ApiKey key, Requests.CheckByPhone req, ClientContext client) {
        if (req == null) {
            throw ApiProblem.invalidRequest("a JSON body with 'phone' and 'code' is required");
        }
        String code = validCode(req.code());
        PhoneNumbers.Phone phone = phones.normalise(req.phone());
        return admission.admit(new AbuseGuard.Attempt(AbuseGuard.Action.CHECK, key.name(), phone, client, null), null)
                .chain(() -> store.newestForPhone(key.name(), phone.e164()))
                .chain(id -> id.map(i -> checkId(key, i, code))
                        .orElseGet(() -> Uni.createFrom().failure(ApiProblem.notFound("no pending verification for this phone"))));
    }

    private Uni<CheckView> checkId(ApiKey key, String id, String code) {
        long now = clock.millis();
        return store.check(id, key.name(), hasher.mac(id, code), now).chain(r -> {
            if (r.status().equals("not_found")) {
                return Uni.createFrom().failure(ApiProblem.notFound("no verification " + id));
            }
            AttemptRecord base = AttemptRecords.at(now, "check").verification(id).phone(r.phone(), r.region())
                    .provider(r.provider()).channel(r.channel()).apiKey(key.name()).client(r.context().ip(),
                            r.context().userAgent(), r.context().appId(), r.context().deviceId()).build();
            boolean counted = r.changed() || r.status().equals("pending") || r.valid();
            if (!counted || (r.changed() && r.status().equals("expired"))) {
                // the verification was no longer pending: nothing was compared
                metrics.check(r.status());
                Uni<Void> logged = r.changed() ? log(base.withType("expired")) : Uni.createFrom().voidItem();
                return logged.chain(() -> Uni.createFrom().failure(conflict(r.status())));
            }
            metrics.check(r.valid() ? "valid" : "invalid");
            Uni<Void> logged = log(base.withOutcome(r.valid() ? "valid" : "invalid"));
            if (r.changed()) {
                if (r.status().equals("approved")) {
                    metrics.approved();
                    logged = logged.chain(() -> observe(o -> o.approved(r.region(), AttemptRecords.prefixOf(r.phone()))));
                }
                logged = logged.chain(() -> log(base.withType(r.status())));
            }
            return logged.replaceWith(new CheckView(id, r.valid(), r.status(), r.attemptsLeft()));
        });
    }

    /**
     * A code is digits, optionally surrounded by whitespace. Anything else (a control character, a letter, nothing
     * left after trimming) is refused here, before the check script, so it never spends a try.
     */
    static String validCode(String code) {
        if (code == null) {
            throw ApiProblem.invalidRequest("code is required");
        }
        String c = code.strip();
        if (c.isEmpty()) {
            throw ApiProblem.invalidRequest("code is required");
        }
        if (c.length() > 12 || !c.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            throw ApiProblem.invalidRequest("code must be digits");
        }
        return c;
    }

    // ---------------------------------------------------------------- log

    private Uni<Void> log(AttemptRecord r) {
        return attempts.append(r);
    }

    private static ApiProblem conflict(String status) {
        VerificationStatus s;
        try {
            s = VerificationStatus.fromWire(status);
        } catch (IllegalArgumentException e) {
            return new ApiProblem(409, status, "the verification cannot take this request");
        }
        return new ApiProblem(409, s.conflictCode(), "the verification is " + s.wire(), Map.of("status", s.wire()), null);
    }

    /** the context cut to the lengths validateContext allows, for the record of a refusal */
    private static ClientContext clipped(ClientContext c) {
        return new ClientContext(clip(c.ip(), 64), clip(c.userAgent(), 512), clip(c.appId(), 128), clip(c.deviceId(), 128));
    }

    private static String clip(String v, int max) {
        return v == null || v.length() <= max ? v : v.substring(0, max);
    }

    private static void validateContext(ClientContext c) {
        check(c.ip(), "context.ip", 64);
        check(c.userAgent(), "context.userAgent", 512);
        check(c.appId(), "context.appId", 128);
        check(c.deviceId(), "context.deviceId", 128);
    }

    private static void check(String v, String field, int max) {
        if (v != null && v.length() > max) {
            throw ApiProblem.invalidRequest(field + " is longer than " + max + " characters");
        }
    }

    private static boolean validId(String id) {
        return id != null && id.matches("vf_[0-9a-f]{32}");
    }

    private static String safeId(String id) {
        return id == null ? "" : id.replaceAll("[^A-Za-z0-9_]", "").substring(0, Math.min(40, id.replaceAll("[^A-Za-z0-9_]", "").length()));
    }
}
