package io.callauth.verification;

import io.callauth.attempts.AttemptType;
import io.callauth.provider.CallOutcomes;
import io.callauth.provider.CallProvider;
import io.callauth.provider.CallStatus;
import io.callauth.provider.Channel;
import io.callauth.provider.chain.CallTracker;
import io.callauth.provider.chain.ProviderChain;
import io.callauth.provider.chain.RouteOrder;
import io.callauth.provider.support.ProviderMetrics;
import io.callauth.attempts.AttemptLog;
import io.callauth.calls.CallLedger;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Call outcomes, polled by the tracker or pushed by a provider: the final status goes into the verification once
 * (stale and repeated reports change nothing), and a call that did not get through is followed at once by a call
 * from the next provider of the chain not yet tried, within the call budget; when none is left the verification has
 * failed.
 */
@ApplicationScoped
public class CallOutcomeHandler implements CallOutcomes {

    private static final Logger LOG = Logger.getLogger(CallOutcomeHandler.class);

    private final VerificationStore store;
    private final ProviderChain chain;
    private final CallTracker tracker;
    private final CallDispatcher dispatcher;
    private final AttemptLog attempts;
    /** the calls of live verifications, for the fraud team's call records */
    private final CallLedger ledger;
    private final VerificationMetrics metrics;
    private final ProviderMetrics providerMetrics;
    private final Clock clock;

    public CallOutcomeHandler(VerificationStore store, ProviderChain chain, CallTracker tracker,
                              CallDispatcher dispatcher, AttemptLog attempts, CallLedger ledger,
                              VerificationMetrics metrics, ProviderMetrics providerMetrics, Clock clock) {
        this.ledger = ledger;
        this.store = store;
        this.chain = chain;
        this.tracker = tracker;
        this.dispatcher = dispatcher;
        this.attempts = attempts;
        this.metrics = metrics;
        this.providerMetrics = providerMetrics;
        this.clock = clock;
    }

    @Override
    public Uni<Boolean> report(String callRef, CallStatus status, String detail) {
        var ref = CallRef.parse(callRef);
        if (ref.isEmpty()) {
            return Uni.createFrom().item(false);
        }
        String id = ref.get().verificationId();
        long now = clock.millis();
        return store.updateCall(id, callRef, true, 0,
                        Events.of(now, "call_outcome", "outcome", status.wire(), "detail", detail),
                        Map.of("callStatus", status.wire()), now)
                .chain(r -> {
                    if (!r.result().ok()) {
                        LOG.debugf("outcome %s for %s ignored: %s", status.wire(), callRef, r.result());
                        return Uni.createFrom().item(false);
                    }
                    providerMetrics.outcome(r.provider(), status.wire());
                    return store.get(id).chain(stored -> {
                        if (stored.isEmpty()) {
                            return Uni.createFrom().item(true);
                        }
                        Verification v = stored.get().verification();
                        return attempts.append(v.record(AttemptType.CALL_OUTCOME, now).provider(r.provider())
                                        .outcome(status.wire()).reason(detail).call(callRef, null, null).build())
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
        RouteOrder.Route route = chain.route(preferred, v.phone(), v.region(), tried, RouteOrder.Purpose.FALLBACK, null);
        List<CallProvider> next = route.providers();
        if (next.isEmpty() || v.calls() >= v.maxCalls()) {
            return fail(v, next.isEmpty() ? "every provider of the chain was tried" : "call budget used up");
        }
        providerMetrics.fallback(from, next.get(0).name(), status.wire());
        return attempts.append(v.record(AttemptType.FALLBACK, clock.millis()).provider(next.get(0).name())
                        .reason(status.wire()).build())
                .chain(() -> dispatcher.placeFirstOf(v, route, preferred))
                .chain(outcome -> outcome.placed() || !outcome.exhausted()
                        ? Uni.createFrom().voidItem() : fail(v, "no provider could place a call"));
    }

    /** Ends a pending verification as failed (no call could get through), once. */
    Uni<Void> fail(Verification v, String why) {
        long now = clock.millis();
        return store.transition(v.id(), VerificationStatus.FAILED, Events.of(now, "failed", "reason", why), now)
                .chain(t -> {
                    if (!t.result().ok()) {
                        return Uni.createFrom().voidItem();
                    }
                    metrics.failed();
                    return attempts.append(v.record(AttemptType.FAILED, now).reason(why).build());
                });
    }
}
