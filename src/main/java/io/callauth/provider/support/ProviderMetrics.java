package io.callauth.provider.support;

import io.callauth.provider.ProviderException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Provider metrics: {@code provider_requests_total{provider,operation,outcome}},
 * {@code provider_request_seconds{provider,operation,outcome}}, {@code fallbacks_total{from,to,reason}},
 * {@code provider_call_outcomes_total{provider,outcome}}. The meters of a request are looked up once per
 * provider, operation and outcome and kept: a start and each poll of its call record one, and building a meter's
 * id (tags sorted, the registry's map searched) on every request cost more than the recording.
 */
@ApplicationScoped
public class ProviderMetrics {

    private record Request(String provider, String operation, String outcome) {
    }

    private record RequestMeters(Counter count, Timer time) {
    }

    private final MeterRegistry registry;
    private final Map<Request, RequestMeters> requests = new ConcurrentHashMap<>();

    public ProviderMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Times a provider request and counts it by outcome: ok, or the failure reason. */
    public <T> Uni<T> timed(String provider, String operation, Uni<T> request) {
        return Uni.createFrom().deferred(() -> {
            long start = System.nanoTime();
            return request.onItemOrFailure().invoke((item, failure) -> {
                String outcome = failure == null ? "ok"
                        : failure instanceof ProviderException pe ? pe.reason().wire() : "error";
                record(provider, operation, outcome, System.nanoTime() - start);
            });
        });
    }

    public void record(String provider, String operation, String outcome, long nanos) {
        RequestMeters m = requests.computeIfAbsent(new Request(provider, operation, outcome), r -> new RequestMeters(
                registry.counter("provider.requests", "provider", provider, "operation", operation, "outcome", outcome),
                Timer.builder("provider.request").tags("provider", provider, "operation", operation, "outcome", outcome)
                        .publishPercentileHistogram(false).register(registry)));
        m.count().increment();
        m.time().record(nanos, TimeUnit.NANOSECONDS);
    }

    public void fallback(String from, String to, String reason) {
        registry.counter("fallbacks", "from", from == null ? "none" : from, "to", to, "reason", reason).increment();
    }

    public void outcome(String provider, String outcome) {
        registry.counter("provider.call.outcomes", "provider", provider == null ? "none" : provider, "outcome", outcome)
                .increment();
    }
}
