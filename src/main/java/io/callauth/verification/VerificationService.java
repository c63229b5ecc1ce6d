package io.callauth.verification;

import io.callauth.attempts.AttemptLog;
import io.callauth.attempts.AttemptRecord;
import io.callauth.common.ApiProblem;
import io.callauth.common.Ids;
import io.callauth.common.Masking;
import io.callauth.provider.CallOutcomes;
import io.callauth.provider.CallProvider;
import io.callauth.provider.CallRequest;
import io.callauth.provider.CallStatus;
import io.callauth.provider.CallTracker;
import io.callauth.provider.Channel;
import io.callauth.provider.PlacedCall;
import io.callauth.provider.ProviderChain;
import io.callauth.provider.ProviderException;
import io.callauth.provider.ProviderMetrics;
import io.callauth.provider.TrackedCall;
import io.callauth.security.ApiKey;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The verification state machine. Every state change is one Lua script on the verification's own keys (see
 * {@link VerificationStore}); this class decides which, places calls through the provider chain, and writes the
 * attempt log. It knows providers only through {@link CallProvider}.
 */
@ApplicationScoped
public class VerificationService implements CallOutcomes {

    private static final Logger LOG = Logger.getLogger(VerificationService.class);
    private static final Duration PLACE_SAFETY_TIMEOUT = Duration.ofMinutes(3);

    private final VerificationStore store;
    private final ProviderChain chain;
    private final CallTracker tracker;
    private final CodeHasher hasher;
    private final PhoneNumbers phones;
    private final AttemptLog attempts;
    /** the calls of live verifications, for the fraud team's call records */
    private final io.callauth.calls.CallLedger ledger;
    private final VerificationConfig config;
    private final VerificationMetrics metrics;
    private final ProviderMetrics providerMetrics;
    private final Clock clock;
    private final List<AbuseGuard> guards;
    private final Duration trackingGrace;
    private final List<VerificationObserver> observers;

    public VerificationService(VerificationStore store, ProviderChain chain, CallTracker tracker, CodeHasher hasher,
                               PhoneNumbers phones, AttemptLog attempts, VerificationConfig config,
                               VerificationMetrics metrics, ProviderMetrics providerMetrics, Clock clock,
                               Instance<AbuseGuard> guards, io.callauth.provider.TrackingConfig tracking,
                               Instance<VerificationObserver> observers, io.callauth.calls.CallLedger ledger) {
        this.ledger = ledger;
        this.store = store;
        this.chain = chain;
        this.tracker = tracker;
        this.hasher = hasher;
        this.phones = phones;
        this.attempts = attempts;
        this.config = config;
        this.metrics = metrics;
        this.providerMetrics = providerMetrics;
        this.clock = clock;
        this.guards = guards.stream().sorted(Comparator.comparingInt(AbuseGuard::order)).toList();
        this.trackingGrace = tracking.grace();
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
            return refused(key, null, clipped(ctx), channel, null, p).replaceWith(Uni.createFrom().failure(p));
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
        return admit(attempt, requested).chain(() -> {
            long now = clock.millis();
            String id = Ids.random("vf_", 16);
            Verification v = new Verification(id, key.name(), phone.e164(), phone.region(), VerificationStatus.PENDING,
                    requested, CallStatus.QUEUED, null, null, null, null, "", config.codeLength(), 0,
                    config.maxChecks(), 0, config.maxCalls(), now, now + config.codeTtl().toMillis(), now, null, ctx);
            return store.create(v, event(now, "started", "channel", requested), config.keyTtl().toMillis())
                    .chain(() -> idempotencyKey == null ? Uni.createFrom().item(Optional.<String>empty())
                            : store.claimIdempotencyKey(key.name(), idempotencyKey, id + "|" + phone.e164(),
                            config.idempotencyTtl().toMillis()))
                    .chain(lost -> {
                        if (lost.isPresent()) {
                            // a concurrent request with the same key won: ours never placed a call, drop it
                            return store.delete(id).chain(() -> replay(key, lost.get(), phone));
                        }
                        metrics.started();
                        Channel preferred = v.channel().equals("auto") ? null : Channel.parse(v.channel()).orElseThrow();
                        List<CallProvider> candidates = chain.candidates(preferred, null, Set.of(), false);
                        // the started record names the provider the verification is routed to first: conversion
                        // by provider counts a verification under the provider that got it first
                        AttemptRecord started = record(v, "started", now)
                                .withProvider(candidates.isEmpty() ? null : candidates.get(0).name());
                        return log(started)
                                .chain(() -> observe(o -> o.started(phone.region(), phone.prefix())))
                                .chain(() -> firstCall(key, v, preferred, candidates));
                    });
        });
    }

    private Uni<Started> firstCall(ApiKey key, Verification v, Channel preferred, List<CallProvider> candidates) {
        return placeFirstOf(v, candidates, preferred).chain(outcome -> {
            if (outcome.placed()) {
                return store.indexPhone(key.name(), v.phone(), v.id(), config.codeTtl().toMillis())
                        .chain(() -> view(key, v.id(), false)).map(view -> new Started(view, false));
            }
            return fail(v, "no provider could place a call").chain(() -> Uni.createFrom().failure(new ApiProblem(503,
                    "providers_unavailable", "no provider could place a call; try again later",
                    Map.of("verificationId", v.id()), 30L)));
        });
    }

    // ---------------------------------------------------------------- calls

    /** what came of trying a list of candidates */
    record PlaceOutcome(boolean placed, String refusal) {
        static final PlaceOutcome PLACED = new PlaceOutcome(true, null);
        static final PlaceOutcome EXHAUSTED = new PlaceOutcome(false, "exhausted");
    }

    private Uni<PlaceOutcome> placeFirstOf(Verification v, List<CallProvider> candidates, Channel preferred) {
        return tryCandidate(v, candidates, 0, preferred);
    }

    private Uni<PlaceOutcome> tryCandidate(Verification v, List<CallProvider> candidates, int i, Channel preferred) {
        if (i >= candidates.size()) {
            return Uni.createFrom().item(PlaceOutcome.EXHAUSTED);
        }
        CallProvider provider = candidates.get(i);
        Channel channel = preferred != null ? preferred
                : provider.serves(Channel.FLASHCALL) ? Channel.FLASHCALL : Channel.VOICE;
        String callRef = v.id() + "." + Ids.random("", 3);
        long now = clock.millis();
        return store.reserveCall(v.id(), callRef, provider.name(), channel.wire(), now, null).chain(reserved -> {
            if (!reserved.result().equals("ok")) {
                return Uni.createFrom().item(new PlaceOutcome(false,
                        reserved.result().equals("state") ? reserved.status() : reserved.result()));
            }
            CallRequest request = new CallRequest(callRef, v.id(), v.phone(), channel, v.codeLength());
            return Uni.createFrom().deferred(() -> provider.placeCall(request))
                    .ifNoItem().after(PLACE_SAFETY_TIMEOUT)
                    .failWith(() -> new ProviderException(provider.name(), ProviderException.Reason.TIMEOUT, "no answer"))
                    .map(placed -> validatePlaced(provider, placed, v.codeLength()))
                    .onItemOrFailure().transformToUni((placed, failure) -> failure == null
                            ? onPlaced(v, provider, channel, callRef, placed)
                            : onPlaceFailed(v, provider, channel, callRef, failure).chain(() -> {
                                if (i + 1 < candidates.size()) {
                                    String next = candidates.get(i + 1).name();
                                    providerMetrics.fallback(provider.name(), next, reasonOf(failure));
                                    return log(record(v, "fallback", clock.millis()).withProvider(next)
                                            .withReason(reasonOf(failure))).chain(() ->
                                            tryCandidate(v, candidates, i + 1, preferred));
                                }
                                return Uni.createFrom().item(PlaceOutcome.EXHAUSTED);
                            }));
        });
    }

    private static PlacedCall validatePlaced(CallProvider provider, PlacedCall placed, int codeLength) {
        String digits = placed.digits() == null ? "" : placed.digits();
        if (digits.length() < codeLength || !digits.chars().allMatch(Character::isDigit)) {
            throw new ProviderException(provider.name(), ProviderException.Reason.ERROR,
                    "provider answered without enough code digits");
        }
        return placed;
    }

    private Uni<PlaceOutcome> onPlaced(Verification v, CallProvider provider, Channel channel, String callRef,
                                       PlacedCall placed) {
        long now = clock.millis();
        String digits = placed.digits();
        String code = digits.substring(digits.length() - v.codeLength());
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("codeMac", hasher.mac(v.id(), code));
        fields.put("callStatus", CallStatus.CALLING.wire());
        if (placed.providerCallId() != null) {
            fields.put("providerCallId", placed.providerCallId());
        }
        // the calling number shows the code: kept masked, and a provider call id that is the calling number not at all
        String callerId = Masking.callerId(digits, v.codeLength());
        String keptCallId = placed.providerCallId() == null || placed.providerCallId().replaceAll("[^0-9]", "")
                .endsWith(code) ? null : placed.providerCallId();
        LOG.infof("call placed: verification %s, %s via %s (%s)", v.id(), Masking.phone(v.phone()), provider.name(),
                channel.wire());
        return store.updateCall(v.id(), callRef, false, 0,
                        event(now, "call_placed", "provider", provider.name(), "channel", channel.wire()), fields, now)
                .call(() -> log(record(v, "call_placed", now).withProvider(provider.name()).withChannel(channel.wire())
                        .withCall(callRef, keptCallId, callerId)))
                .call(() -> ledger.placed(v.id(), callRef, provider.name(), channel.wire(), v.phone(), callerId,
                        keptCallId, now, CallStatus.CALLING.wire()))
                .chain(updated -> placed.status().isFinal()
                        ? report(callRef, placed.status(), placed.detail()).replaceWithVoid()
                        // an outcome pushed before we got here (a fast callback) already settled the call
                        : !updated.result().equals("ok") || CallStatus.fromWire(updated.callStatus()).isFinal()
                        ? Uni.createFrom().voidItem()
                        : tracker.track(new TrackedCall(callRef, v.id(), provider.name(), placed.providerCallId(),
                        v.phone(), now, now + provider.ringTimeout().plus(trackingGrace).toMillis())))
                .replaceWith(PlaceOutcome.PLACED);
    }

    private Uni<Void> onPlaceFailed(Verification v, CallProvider provider, Channel channel, String callRef,
                                    Throwable failure) {
        long now = clock.millis();
        String reason = reasonOf(failure);
        if (failure instanceof ProviderException) {
            LOG.infof("call not placed: verification %s via %s: %s (%s)", v.id(), provider.name(), reason,
                    failure.getMessage());
        } else {
            LOG.warnf(failure, "call not placed: verification %s via %s", v.id(), provider.name());
        }
        return store.updateCall(v.id(), callRef, false, -1,
                        event(now, "call_failed", "provider", provider.name(), "reason", reason),
                        Map.of("callStatus", CallStatus.FAILED.wire()), now)
                .chain(() -> log(record(v, "call_failed", now).withProvider(provider.name()).withChannel(channel.wire())
                        .withReason(reason).withOutcome(failure.getMessage()).withCall(callRef, null, null)))
                .chain(() -> ledger.placed(v.id(), callRef, provider.name(), channel.wire(), v.phone(), null, null, now,
                        CallStatus.FAILED.wire()));
    }

    private static String reasonOf(Throwable t) {
        return t instanceof ProviderException pe ? pe.reason().wire() : "error";
    }

    /**
     * A final call status, polled or pushed. Stale and repeated reports change nothing. A call that did not get
     * through is followed at once by a call from the next provider of the chain not yet tried, within the call
     * budget; when none is left the verification has failed.
     */
    @Override
    public Uni<Boolean> report(String callRef, CallStatus status, String detail) {
        int dot = callRef.lastIndexOf('.');
        if (dot <= 0) {
            return Uni.createFrom().item(false);
        }
        String id = callRef.substring(0, dot);
        long now = clock.millis();
        return store.updateCall(id, callRef, true, 0,
                        event(now, "call_outcome", "outcome", status.wire(), "detail", detail),
                        Map.of("callStatus", status.wire()), now)
                .chain(r -> {
                    if (!r.result().equals("ok")) {
                        LOG.debugf("outcome %s for %s ignored: %s", status.wire(), callRef, r.result());
                        return Uni.createFrom().item(false);
                    }
                    providerMetrics.outcome(r.provider(), status.wire());
                    return store.get(id).chain(stored -> {
                        if (stored.isEmpty()) {
                            return Uni.createFrom().item(true);
                        }
                        Verification v = stored.get().verification();
                        return log(record(v, "call_outcome", now).withProvider(r.provider()).withOutcome(status.wire())
                                .withReason(detail).withCall(callRef, null, null))
                                .chain(() -> ledger.status(callRef, status.wire()))
                                .chain(() -> tracker.forget(callRef))
                                .chain(() -> status == CallStatus.DELIVERED || v.statusAt(now) != VerificationStatus.PENDING
                                        ? Uni.createFrom().voidItem() : fallBack(v, r.provider(), status))
                                .replaceWith(true);
                    });
                });
    }

    private Uni<Void> fallBack(Verification v, String from, CallStatus status) {
        Set<String> tried = new HashSet<>(Arrays.asList(v.tried().split(",")));
        Channel preferred = v.channel().equals("auto") ? null : Channel.parse(v.channel()).orElse(null);
        List<CallProvider> next = chain.candidates(preferred, null, tried, false);
        if (next.isEmpty() || v.calls() >= v.maxCalls()) {
            return fail(v, next.isEmpty() ? "every provider of the chain was tried" : "call budget used up");
        }
        providerMetrics.fallback(from, next.get(0).name(), status.wire());
        return log(record(v, "fallback", clock.millis()).withProvider(next.get(0).name()).withReason(status.wire()))
                .chain(() -> placeFirstOf(v, next, preferred))
                .chain(outcome -> outcome.placed() || !outcome.refusal().equals("exhausted")
                        ? Uni.createFrom().voidItem() : fail(v, "no provider could place a call"));
    }

    private Uni<Void> fail(Verification v, String why) {
        long now = clock.millis();
        return store.transition(v.id(), VerificationStatus.FAILED, event(now, "failed", "reason", why), now)
                .chain(t -> {
                    if (!t.result().equals("ok")) {
                        return Uni.createFrom().voidItem();
                    }
                    metrics.failed();
                    return log(record(v, "failed", now).withReason(why));
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
            return store.transition(id, VerificationStatus.CANCELED, event(now, "canceled"), now).chain(t -> {
                if (!t.result().equals("ok")) {
                    throw conflict(t.status());
                }
                Uni<Void> stop = v.callRef() == null ? Uni.createFrom().voidItem() : tracker.forget(v.callRef());
                return stop.chain(() -> log(record(v, "canceled", now))).chain(() -> view(key, id, false));
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
            return admit(attempt, v.channel())
                    .chain(() -> stopOld)
                    .chain(() -> log(record(v, "resend", now).withProvider(candidates.get(0).name())))
                    .chain(() -> placeFirstOf(v, candidates, preferred))
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
        return refused(key, v.phone() == null ? null : phones.normalise(v.phone()), v.context(), v.channel(), v.id(), p)
                .chain(() -> Uni.createFrom().failure(p));
    }

    // ---------------------------------------------------------------- check

    public Uni<CheckView> check(ApiKey key, String id, Requests.Check req, ClientContext client) {
        String code = validCode(req == null ? null : req.code());
        if (!validId(id)) {
            return Uni.createFrom().failure(ApiProblem.notFound("no verification " + safeId(id)));
        }
        return admit(new AbuseGuard.Attempt(AbuseGuard.Action.CHECK, key.name(), null, client, id), null)
                .chain(() -> checkId(key, id, code));
    }

    public Uni<CheckView> checkByPhone(ApiKey key, Requests.CheckByPhone req, ClientContext client) {
        if (req == null) {
            throw ApiProblem.invalidRequest("a JSON body with 'phone' and 'code' is required");
        }
        String code = validCode(req.code());
        PhoneNumbers.Phone phone = phones.normalise(req.phone());
        return admit(new AbuseGuard.Attempt(AbuseGuard.Action.CHECK, key.name(), phone, client, null), null)
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
            AttemptRecord base = new AttemptRecord(now, "check", id, r.phone(), r.region(), prefixOf(r.phone()),
                    r.provider(), r.channel(), null, null, null, key.name(), r.context().ip(), r.context().userAgent(),
                    r.context().appId(), r.context().deviceId());
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
                    logged = logged.chain(() -> observe(o -> o.approved(r.region(), prefixOf(r.phone()))));
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

    // ---------------------------------------------------------------- guards and log

    private Uni<Void> admit(AbuseGuard.Attempt attempt, String channel) {
        Uni<Void> chainUni = Uni.createFrom().voidItem();
        for (AbuseGuard g : guards) {
            chainUni = chainUni.chain(() -> g.admit(attempt));
        }
        // what a monitor-mode rule would have refused is logged whether or not the attempt goes on
        return chainUni.onItemOrFailure().call((ok, t) -> monitored(attempt, channel))
                .onFailure(ApiProblem.class).call(t -> refused(new ApiKeyName(attempt.apiKey()), attempt.phone(),
                        attempt.context(), channel, attempt.verificationId(), (ApiProblem) t));
    }

    /** one {@code refused} record with outcome {@code monitor} per monitor-mode refusal; nothing is refused */
    private Uni<Void> monitored(AbuseGuard.Attempt attempt, String channel) {
        Uni<Void> logged = Uni.createFrom().voidItem();
        if (attempt.verdicts() == null) {
            return logged;
        }
        for (ApiProblem p : attempt.verdicts().monitored()) {
            logged = logged.chain(() -> refused(new ApiKeyName(attempt.apiKey()), attempt.phone(), attempt.context(),
                    channel, attempt.verificationId(), p, "monitor"));
        }
        return logged;
    }

    private record ApiKeyName(String name) {
    }

    private Uni<Void> refused(ApiKey key, PhoneNumbers.Phone phone, ClientContext ctx, String channel, String id,
                              ApiProblem p) {
        return refused(new ApiKeyName(key.name()), phone, ctx, channel, id, p);
    }

    private Uni<Void> refused(ApiKeyName key, PhoneNumbers.Phone phone, ClientContext ctx, String channel, String id,
                              ApiProblem p) {
        return refused(key, phone, ctx, channel, id, p, null);
    }

    /** {@code outcome}: null for a refusal, {@code monitor} for what a monitor-mode rule would have refused */
    private Uni<Void> refused(ApiKeyName key, PhoneNumbers.Phone phone, ClientContext ctx, String channel, String id,
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
        return log(new AttemptRecord(clock.millis(), "refused", id, phone == null ? null : phone.e164(),
                phone == null ? null : phone.region(), phone == null ? null : phone.prefix(), null, channel, outcome,
                reason, rule == null ? null : rule.toString(), key.name(), c.ip(), c.userAgent(), c.appId(),
                c.deviceId()));
    }

    private Uni<Void> log(AttemptRecord r) {
        return attempts.append(r);
    }

    private static AttemptRecord record(Verification v, String type, long at) {
        ClientContext c = v.context() == null ? ClientContext.EMPTY : v.context();
        return new AttemptRecord(at, type, v.id(), v.phone(), v.region(), prefixOf(v.phone()), v.provider(),
                v.callChannel() != null ? v.callChannel() : v.channel(), null, null, null, v.apiKey(), c.ip(),
                c.userAgent(), c.appId(), c.deviceId());
    }

    private static String prefixOf(String e164) {
        if (e164 == null) {
            return null;
        }
        String d = e164.startsWith("+") ? e164.substring(1) : e164;
        return d.length() <= 8 ? d : d.substring(0, 8);
    }

    private static Map<String, Object> event(long at, String type, Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", at);
        m.put("type", type);
        for (int i = 0; i + 1 < kv.length; i += 2) {
            if (kv[i + 1] != null) {
                m.put(kv[i].toString(), kv[i + 1]);
            }
        }
        return m;
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
