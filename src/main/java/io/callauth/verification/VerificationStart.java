package io.callauth.verification;

import io.callauth.attempts.AttemptType;
import io.callauth.attempts.AttemptLog;
import io.callauth.attempts.AttemptRecord;
import io.callauth.common.ApiProblem;
import io.callauth.common.Ids;
import io.callauth.phone.PhoneNumbers;
import io.callauth.provider.CallProvider;
import io.callauth.provider.CallStatus;
import io.callauth.provider.Channel;
import io.callauth.provider.chain.ProviderChain;
import io.callauth.provider.chain.RouteOrder;
import io.callauth.security.ApiKey;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The start use case: validate, admit ({@link Admission}), create the verification with its first call reserved
 * (one script, its record and phone index pipelined), place the call ({@link CallDispatcher}), answer from what the
 * scripts returned. With an Idempotency-Key, a repeat answers the first start's verification.
 */
@ApplicationScoped
public class VerificationStart {

    private final VerificationStore store;
    private final VerificationReader reader;
    private final ProviderChain chain;
    private final CallDispatcher dispatcher;
    private final Admission admission;
    private final RequestValidation validation;
    private final AttemptLog attempts;
    private final VerificationConfig config;
    private final Observers observers;
    private final Clock clock;

    public VerificationStart(VerificationStore store, VerificationReader reader, ProviderChain chain,
                             CallDispatcher dispatcher, Admission admission,
                             RequestValidation validation, AttemptLog attempts, VerificationConfig config,
                             Observers observers, Clock clock) {
        this.store = store;
        this.reader = reader;
        this.chain = chain;
        this.dispatcher = dispatcher;
        this.admission = admission;
        this.validation = validation;
        this.attempts = attempts;
        this.config = config;
        this.observers = observers;
        this.clock = clock;
    }

    public record Started(VerificationView view, boolean replayed) {
    }

    Uni<Started> start(ApiKey key, Requests.Start req, String idempotencyKey) {
        ClientContext ctx = req == null || req.context() == null ? ClientContext.EMPTY : req.context();
        String requested = req == null || req.channel() == null ? "auto" : req.channel();
        PhoneNumbers.Phone phone;
        try {
            phone = validation.start(req);
            if (idempotencyKey != null && (idempotencyKey.isEmpty() || idempotencyKey.length() > 255
                    || !idempotencyKey.chars().allMatch(c -> c > 32 && c < 127))) {
                throw ApiProblem.invalidRequest("Idempotency-Key must be 1 to 255 visible ASCII characters");
            }
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
            throw ApiProblem.idempotencyConflict("this Idempotency-Key was already used for a different request");
        }
        return reader.view(key, parts[0], false).map(v -> new Started(v, true));
    }

    private Uni<Started> startNew(ApiKey key, PhoneNumbers.Phone phone, String requested, ClientContext ctx,
                                  String idempotencyKey) {
        AbuseGuard.Attempt attempt = new AbuseGuard.Attempt(AbuseGuard.Action.START, key.name(), phone, ctx, null);
        return admission.admit(attempt, requested).chain(() -> {
            long now = clock.millis();
            String id = Ids.random("vf_", 16);
            Channel preferred = requested.equals("auto") ? null : Channel.parse(requested).orElseThrow();
            RouteOrder.Route route = chain.route(preferred, phone.e164(), phone.region(), Set.of(),
                    RouteOrder.Purpose.START, null);
            List<CallProvider> candidates = route.providers();
            Verification fresh = new Verification(id, key.name(), phone.e164(), phone.region(),
                    VerificationStatus.PENDING, requested, CallStatus.QUEUED, null, null, null, null, "",
                    config.codeLength(), 0, config.maxChecks(), 0, config.maxCalls(), now,
                    now + config.codeTtl().toMillis(), now, null, ctx);
            // the started record names the provider the verification is routed to first: conversion by provider
            // counts a verification under the provider that got it first
            AttemptRecord started = fresh.record(AttemptType.STARTED, now)
                    .provider(candidates.isEmpty() ? null : candidates.get(0).name()).detail(route.detail()).build();
            // the first candidate's call is reserved by the create script itself
            CallRef firstRef = candidates.isEmpty() ? null : CallRef.next(id);
            Verification v = firstRef == null ? fresh : fresh.withFirstCall(firstRef, candidates.get(0).name(),
                    CallDispatcher.channelFor(candidates.get(0), preferred).wire());
            Uni<Boolean> created = store.create(v, Events.of(now, "started", "channel", requested),
                    config.keyTtl().toMillis());
            Uni<Void> indexed = store.indexPhone(key.name(), v.phone(), v.id(), config.codeTtl().toMillis());
            if (idempotencyKey == null) {
                // one round trip: the verification with its first call reserved, its record, its phone index
                return Uni.combine().all().unis(created, attempts.append(started), indexed).asTuple()
                        .chain(() -> begun(key, v, phone, preferred, route, firstRef));
            }
            return created.chain(() -> store.claimIdempotencyKey(key.name(), idempotencyKey,
                            id + "|" + phone.e164(), config.idempotencyTtl().toMillis()))
                    .chain(lost -> lost.isPresent()
                            // a concurrent request with the same key won: ours never placed a call, drop it
                            ? store.delete(id).chain(() -> replay(key, lost.get(), phone))
                            : Uni.combine().all().unis(attempts.append(started), indexed).asTuple()
                            .chain(() -> begun(key, v, phone, preferred, route, firstRef)));
        });
    }

    private Uni<Started> begun(ApiKey key, Verification v, PhoneNumbers.Phone phone, Channel preferred,
                               RouteOrder.Route route, CallRef firstRef) {
        observers.tell(o -> o.started(phone.region(), phone.prefix()));
        Uni<CallDispatcher.Outcome> placing = firstRef == null ? dispatcher.placeFirstOf(v, route, preferred)
                : dispatcher.placeFirstOf(v, route, preferred, firstRef);
        return placing.chain(outcome -> {
            if (outcome.placed()) {
                if (!outcome.settled() && outcome.state().result().ok()) {
                    // the answer from what the placing script returned: no read
                    long now = clock.millis();
                    Verification placed = v.afterCall(outcome.state(), outcome.channel().wire(), now);
                    return Uni.createFrom().item(new Started(VerificationView.of(placed, now, null), false));
                }
                // the provider settled the call at once (or an outcome overtook us): the state may have moved on
                return reader.view(key, v.id(), false).map(view -> new Started(view, false));
            }
            return dispatcher.giveUp(v, "no provider could place a call").chain(() -> Uni.createFrom().failure(
                    ApiProblem.providersUnavailable("no provider could place a call; try again later",
                            Map.of("verificationId", v.id()), 30L)));
        });
    }

    /** the context cut to the lengths its constraints allow, for the record of a refusal */
    private static ClientContext clipped(ClientContext c) {
        return new ClientContext(clip(c.ip(), 64), clip(c.userAgent(), 512), clip(c.appId(), 128), clip(c.deviceId(), 128));
    }

    private static String clip(String v, int max) {
        return v == null || v.length() <= max ? v : v.substring(0, max);
    }
}
