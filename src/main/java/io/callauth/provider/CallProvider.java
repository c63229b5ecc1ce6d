package io.callauth.provider;

import io.callauth.provider.support.ProviderGuard;
import io.callauth.provider.support.SharedToken;
import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.util.List;

/**
 * The only thing the verification core knows about a telephony provider. Implementations live in a sub-package
 * each and own their HTTP client, timeouts, circuit breaker and token lifecycle.
 */
public interface CallProvider {

    /** the name used in {@code callauth.providers.chain} */
    String name();

    boolean serves(Channel channel);

    /** how long the phone rings at most; tracking ends at this plus a grace period */
    Duration ringTimeout();

    /**
     * Places a call. Fails with {@link ProviderException} when the provider refuses or cannot be reached. Must not
     * block the calling (event loop) thread.
     */
    Uni<PlacedCall> placeCall(CallRequest request);

    /**
     * Asks the provider how a placed call went. Providers that push outcomes (callbacks) answer {@code CALLING}
     * here and deliver outcomes through {@link CallOutcomes}.
     */
    default Uni<CallProgress> poll(TrackedCall call) {
        return Uni.createFrom().item(CallProgress.calling());
    }

    /** How a call not confirmed by the ring timeout is taken (most providers: not delivered). */
    default CallStatus statusAtRingTimeout() {
        return CallStatus.NOT_DELIVERED;
    }

    /** the client's circuit breaker, for health; providers without remote calls have none */
    default java.util.Optional<ProviderGuard> guard() {
        return java.util.Optional.empty();
    }

    /** the shared session token, for health; providers without sessions have none */
    default java.util.Optional<SharedToken> sessionToken() {
        return java.util.Optional.empty();
    }

    /** properties this provider needs and lacks in the current configuration (startup check) */
    default List<String> missingConfiguration() {
        return List.of();
    }
}
