package io.callauth.provider.support;

import io.callauth.provider.ProviderException;
import io.callauth.provider.ProvidersConfig;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.util.TypeLiteral;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;

/**
 * A provider client's circuit breakers and request metrics. Errors, timeouts and 5xx count as failures; a refusal
 * (the provider answered and said no) does not, a busy destination is no reason to stop calling others. An open
 * circuit fails at once with {@link ProviderException.Reason#CIRCUIT_OPEN}, which the chain treats like an error.
 * <p>
 * Placing calls ({@link #call}) and reading about them ({@link #read}: status polls, call records, recordings) have
 * separate circuits: a burst of slow polls must never shut the door on new starts. Readiness and the chain look at
 * the placing circuit only.
 */
public final class ProviderGuard {

    private final String provider;
    private final String circuitName;
    private final TypedGuard<Uni<Object>> guard;
    private final TypedGuard<Uni<Object>> readGuard;
    private final ProviderMetrics metrics;
    /** outcomes of the last {@link #WINDOW} requests of this replica: true = success (refusals count as success) */
    private final java.util.ArrayDeque<Boolean> recent = new java.util.ArrayDeque<>();
    private static final int WINDOW = 50;

    public ProviderGuard(String provider, ProvidersConfig.Circuit config, ProviderMetrics metrics) {
        this.provider = provider;
        this.circuitName = uniqueName("provider-" + provider);
        this.metrics = metrics;
        this.guard = circuit(circuitName, config);
        this.readGuard = circuit(circuitName + "-read", config);
    }

    private static final java.util.Set<String> NAMES = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Stable circuit names, so dashboards and the maintenance API find them: {@code provider-<name>} and
     * {@code provider-<name>-read}. A replica has one client per provider; a second guard for the same provider in
     * one JVM (tests build their own clients) gets {@code -2}, {@code -3}, ... since names must be unique.
     */
    private static String uniqueName(String base) {
        if (NAMES.add(base)) {
            return base;
        }
        for (int i = 2; ; i++) {
            if (NAMES.add(base + "-" + i)) {
                return base + "-" + i;
            }
        }
    }

    /** the placing circuit's name ({@code provider-<name>}; the read circuit's is this plus {@code -read}) */
    public String circuitName() {
        return circuitName;
    }

    private static TypedGuard<Uni<Object>> circuit(String name, ProvidersConfig.Circuit config) {
        return TypedGuard.create(new TypeLiteral<Uni<Object>>() {
                })
                .withDescription(name)
                .withCircuitBreaker()
                .name(name)
                .requestVolumeThreshold(config.requestVolume())
                .failureRatio(config.failureRatio())
                .delay(config.delay().toMillis(), ChronoUnit.MILLIS)
                .successThreshold(1)
                .when(t -> !(t instanceof ProviderException pe) || pe.reason() != ProviderException.Reason.REFUSED)
                .done()
                .build();
    }

    /**
     * Runs one read (a status poll, a call record, a recording) under the read circuit, timed and counted as
     * {@code operation}. Its failures never open the placing circuit.
     */
    @SuppressWarnings("unchecked")
    public <T> Uni<T> read(String operation, Supplier<Uni<T>> request) {
        Uni<T> guarded = (Uni<T>) readGuard.get(() -> (Uni<Object>) request.get())
                .onFailure(CircuitBreakerOpenException.class).transform(t ->
                        new ProviderException(provider, ProviderException.Reason.CIRCUIT_OPEN, "read circuit open"));
        return metrics.timed(provider, operation, guarded);
    }

    /** Runs one provider request under the circuit breaker, timed and counted as {@code operation}. */
    @SuppressWarnings("unchecked")
    public <T> Uni<T> call(String operation, Supplier<Uni<T>> request) {
        Uni<T> guarded = (Uni<T>) guard.get(() -> (Uni<Object>) request.get())
                .onFailure(CircuitBreakerOpenException.class).transform(t ->
                        new ProviderException(provider, ProviderException.Reason.CIRCUIT_OPEN, "circuit open"));
        return metrics.timed(provider, operation, guarded).onItemOrFailure().invoke((item, failure) ->
                remember(failure == null || (failure instanceof ProviderException pe
                        && pe.reason() == ProviderException.Reason.REFUSED)));
    }

    private synchronized void remember(boolean success) {
        recent.addLast(success);
        if (recent.size() > WINDOW) {
            recent.removeFirst();
        }
    }

    /** success ratio of this replica's last requests; empty before the first */
    public synchronized java.util.OptionalDouble successRatio() {
        if (recent.isEmpty()) {
            return java.util.OptionalDouble.empty();
        }
        return java.util.OptionalDouble.of(recent.stream().filter(b -> b).count() / (double) recent.size());
    }

    public CircuitBreakerState state() {
        return CircuitBreakerMaintenance.get().currentState(circuitName);
    }

    /** the read circuit's state (polls, records) */
    public CircuitBreakerState readState() {
        return CircuitBreakerMaintenance.get().currentState(circuitName + "-read");
    }
}
