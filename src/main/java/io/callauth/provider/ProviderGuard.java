package io.callauth.provider;

import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.util.TypeLiteral;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;

/**
 * A provider client's circuit breaker and request metrics. Errors, timeouts and 5xx count as failures; a refusal
 * (the provider answered and said no) does not, a busy destination is no reason to stop calling others. An open
 * circuit fails at once with {@link ProviderException.Reason#CIRCUIT_OPEN}, which the chain treats like an error.
 */
public final class ProviderGuard {

    private final String provider;
    private final String circuitName;
    private final TypedGuard<Uni<Object>> guard;
    private final ProviderMetrics metrics;

    public ProviderGuard(String provider, ProvidersConfig.Circuit config, ProviderMetrics metrics) {
        this.provider = provider;
        // unique per guard: a replica has one client per provider, tests build more
        this.circuitName = "provider-" + provider + "-" + Integer.toHexString(System.identityHashCode(this));
        this.metrics = metrics;
        this.guard = TypedGuard.create(new TypeLiteral<Uni<Object>>() {
                })
                .withDescription(circuitName)
                .withCircuitBreaker()
                .name(circuitName)
                .requestVolumeThreshold(config.requestVolume())
                .failureRatio(config.failureRatio())
                .delay(config.delay().toMillis(), ChronoUnit.MILLIS)
                .successThreshold(1)
                .when(t -> !(t instanceof ProviderException pe) || pe.reason() != ProviderException.Reason.REFUSED)
                .done()
                .build();
    }

    /** Runs one provider request under the circuit breaker, timed and counted as {@code operation}. */
    @SuppressWarnings("unchecked")
    public <T> Uni<T> call(String operation, Supplier<Uni<T>> request) {
        Uni<T> guarded = (Uni<T>) guard.get(() -> (Uni<Object>) request.get())
                .onFailure(CircuitBreakerOpenException.class).transform(t ->
                        new ProviderException(provider, ProviderException.Reason.CIRCUIT_OPEN, "circuit open"));
        return metrics.timed(provider, operation, guarded);
    }

    public CircuitBreakerState state() {
        return CircuitBreakerMaintenance.get().currentState(circuitName);
    }
}
