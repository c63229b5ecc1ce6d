package io.callauth.verification;

import io.callauth.attempts.AttemptType;
import io.callauth.provider.TrackedCall;
import io.callauth.provider.CallProvider;
import io.callauth.provider.CallRequest;
import io.callauth.provider.CallStatus;
import io.callauth.provider.Channel;
import io.callauth.provider.PlacedCall;
import io.callauth.provider.ProviderException;
import io.callauth.provider.chain.CallTracker;
import io.callauth.provider.chain.RouteOrder;
import io.callauth.provider.chain.TrackingConfig;
import io.callauth.provider.support.ProviderMetrics;
import io.callauth.attempts.AttemptLog;
import io.callauth.calls.CallLedger;
import io.callauth.common.Masking;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Places a verification's call along a list of candidate providers: reserves the call in the verification (its
 * budget, its state), asks the provider, and records the placed call (the code's HMAC, tracking) or the failure,
 * then falls back to the next candidate. Knows providers only through {@link CallProvider}.
 */
@ApplicationScoped
public class CallDispatcher {

    private static final Logger LOG = Logger.getLogger(CallDispatcher.class);
    private static final Duration PLACE_SAFETY_TIMEOUT = Duration.ofMinutes(3);

    private final VerificationStore store;
    private final CallTracker tracker;
    private final CodeHasher hasher;
    private final AttemptLog attempts;
    private final ProviderMetrics providerMetrics;
    private final CallOutcomeHandler outcomes;
    /** the calls of live verifications, for the fraud team's call records */
    private final CallLedger ledger;
    private final Clock clock;
    private final Duration trackingGrace;

    public CallDispatcher(VerificationStore store, CallTracker tracker, CodeHasher hasher, AttemptLog attempts,
                          ProviderMetrics providerMetrics, CallOutcomeHandler outcomes, CallLedger ledger,
                          Clock clock, TrackingConfig tracking) {
        this.ledger = ledger;
        this.store = store;
        this.tracker = tracker;
        this.hasher = hasher;
        this.attempts = attempts;
        this.providerMetrics = providerMetrics;
        this.outcomes = outcomes;
        this.clock = clock;
        this.trackingGrace = tracking.grace();
    }

    /**
     * What came of trying a list of candidates: placed, or why not (every candidate failed, or the reservation that
     * refused: the verification ended, its budget is spent, it is gone). A placed
     * call comes with the channel it went out on and the verification's state as the placing script left it
     * ({@code state}), so an answer needs no read; {@code settled}: the provider answered with a final status at once
     * and its outcome was handled (the state may have moved on since).
     */
    record Outcome(boolean placed, VerificationStore.Reserve refused, Channel channel,
                   VerificationStore.UpdateResult state, boolean settled) {
        /** every candidate provider failed */
        static final Outcome EXHAUSTED = new Outcome(false, null, null, null, false);

        /** the call could not be reserved: why (the verification ended, its budget is spent, it is gone) */
        static Outcome refused(VerificationStore.Reserve why) {
            return new Outcome(false, why, null, null, false);
        }

        boolean exhausted() {
            return !placed && refused == null;
        }
    }

    /** the channel a provider is asked for: the preferred one, else flash call where it has it */
    static Channel channelFor(CallProvider provider, Channel preferred) {
        return preferred != null ? preferred : provider.serves(Channel.FLASHCALL) ? Channel.FLASHCALL : Channel.VOICE;
    }

    /**
     * Tries the route's providers in order until one places the call; the route's detail (why this order: the routing
     * decision) goes into each {@code call_placed} record.
     */
    Uni<Outcome> placeFirstOf(Verification v, RouteOrder.Route route, Channel preferred) {
        return tryCandidate(v, route.providers(), 0, preferred, null, route.detail());
    }

    /**
     * The same, when the first candidate's call is reserved already ({@code reserved}: the verification was created
     * with it, in the same script).
     */
    Uni<Outcome> placeFirstOf(Verification v, RouteOrder.Route route, Channel preferred, CallRef reserved) {
        return tryCandidate(v, route.providers(), 0, preferred, reserved, route.detail());
    }

    private Uni<Outcome> tryCandidate(Verification v, List<CallProvider> candidates, int i, Channel preferred,
                                      CallRef reservedRef, String routeDetail) {
        if (i >= candidates.size()) {
            return Uni.createFrom().item(Outcome.EXHAUSTED);
        }
        CallProvider provider = candidates.get(i);
        Channel channel = channelFor(provider, preferred);
        CallRef callRef = reservedRef != null ? reservedRef : CallRef.next(v.id());
        long now = clock.millis();
        Uni<VerificationStore.Reserve> reserve = reservedRef != null
                ? Uni.createFrom().item(new VerificationStore.Reserve.Ok(v.calls(), v.maxCalls()))
                : store.reserveCall(v.id(), callRef.value(), provider.name(), channel.wire(), now, null);
        return reserve.chain(reserved -> {
            if (!(reserved instanceof VerificationStore.Reserve.Ok)) {
                return Uni.createFrom().item(Outcome.refused(reserved));
            }
            CallRequest request = new CallRequest(callRef.value(), v.id(), v.phone(), channel, v.codeLength());
            return Uni.createFrom().deferred(() -> provider.placeCall(request))
                    .ifNoItem().after(PLACE_SAFETY_TIMEOUT)
                    .failWith(() -> new ProviderException(provider.name(), ProviderException.Reason.TIMEOUT, "no answer"))
                    .map(placed -> validatePlaced(provider, placed, v.codeLength()))
                    .onItemOrFailure().transformToUni((placed, failure) -> failure == null
                            ? onPlaced(v, provider, channel, callRef, placed, routeDetail)
                            : onPlaceFailed(v, provider, channel, callRef, failure).chain(() -> {
                                if (i + 1 < candidates.size()) {
                                    String next = candidates.get(i + 1).name();
                                    providerMetrics.fallback(provider.name(), next, reasonOf(failure));
                                    return attempts.append(v.record(AttemptType.FALLBACK, clock.millis()).provider(next)
                                            .reason(reasonOf(failure)).build()).chain(() ->
                                            tryCandidate(v, candidates, i + 1, preferred, null, routeDetail));
                                }
                                return Uni.createFrom().item(Outcome.EXHAUSTED);
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

    private Uni<Outcome> onPlaced(Verification v, CallProvider provider, Channel channel, CallRef callRef,
                                  PlacedCall placed, String routeDetail) {
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
        // one round trip: the placed call recorded, its log record, its call record and its tracking, all at once
        Uni<VerificationStore.UpdateResult> update = store.updateCall(v.id(), callRef.value(), false, 0,
                Events.of(now, "call_placed", "provider", provider.name(), "channel", channel.wire()), fields, now);
        Uni<Void> logged = attempts.append(v.record(AttemptType.CALL_PLACED, now).provider(provider.name())
                .channel(channel.wire()).call(callRef.value(), keptCallId, callerId).detail(routeDetail).build());
        Uni<Void> kept = ledger.placed(v.id(), callRef.value(), provider.name(), channel.wire(), v.phone(), callerId,
                keptCallId, now, CallStatus.CALLING.wire());
        Uni<Void> tracked = placed.status().isFinal() ? Uni.createFrom().voidItem()
                : tracker.track(new TrackedCall(callRef.value(), v.id(), provider.name(), placed.providerCallId(),
                v.phone(), now, now + provider.ringTimeout().plus(trackingGrace).toMillis()));
        return Uni.combine().all().unis(update, logged, kept, tracked).asTuple().chain(t -> {
            VerificationStore.UpdateResult updated = t.getItem1();
            if (placed.status().isFinal()) {
                return outcomes.report(callRef.value(), placed.status(), placed.detail())
                        .replaceWith(new Outcome(true, null, channel, updated, true));
            }
            Outcome out = new Outcome(true, null, channel, updated, false);
            // an outcome pushed before the update (a fast callback) settled the call already, or the verification
            // moved on: nothing to follow
            return !updated.result().ok() || updated.callStatus() == null || updated.callStatus().isFinal()
                    ? tracker.forget(callRef.value()).replaceWith(out)
                    : Uni.createFrom().item(out);
        });
    }

    /** Ends a verification that no provider could call as failed (once; its record written). */
    Uni<Void> giveUp(Verification v, String why) {
        return outcomes.fail(v, why);
    }

    private Uni<Void> onPlaceFailed(Verification v, CallProvider provider, Channel channel, CallRef callRef,
                                    Throwable failure) {
        long now = clock.millis();
        String reason = reasonOf(failure);
        if (failure instanceof ProviderException) {
            LOG.infof("call not placed: verification %s via %s: %s (%s)", v.id(), provider.name(), reason,
                    failure.getMessage());
        } else {
            LOG.warnf(failure, "call not placed: verification %s via %s", v.id(), provider.name());
        }
        return store.updateCall(v.id(), callRef.value(), false, -1,
                        Events.of(now, "call_failed", "provider", provider.name(), "reason", reason),
                        Map.of("callStatus", CallStatus.FAILED.wire()), now)
                .chain(() -> attempts.append(v.record(AttemptType.CALL_FAILED, now).provider(provider.name())
                        .channel(channel.wire()).reason(reason).outcome(failure.getMessage())
                        .call(callRef.value(), null, null).build()))
                .chain(() -> ledger.placed(v.id(), callRef.value(), provider.name(), channel.wire(), v.phone(), null,
                        null, now, CallStatus.FAILED.wire()));
    }

    private static String reasonOf(Throwable t) {
        return t instanceof ProviderException pe ? pe.reason().wire() : "error";
    }
}
