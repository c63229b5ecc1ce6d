package io.callauth.verification;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * callauth_verifications_{started,approved,failed,expired}_total and callauth_checks_total{result}; a check's counter
 * is looked up once per result and kept (every check counts one). Starts and approvals are counted as an observer
 * of them, like the conversion monitor.
 */
@ApplicationScoped
public class VerificationMetrics implements VerificationObserver {

    private final MeterRegistry registry;
    private final Counter started;
    private final Counter approved;
    private final Counter failed;
    private final Counter expired;
    private final Map<String, Counter> checks = new ConcurrentHashMap<>();

    public VerificationMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.started = registry.counter("callauth.verifications.started");
        this.approved = registry.counter("callauth.verifications.approved");
        this.failed = registry.counter("callauth.verifications.failed");
        this.expired = registry.counter("callauth.verifications.expired");
    }

    @Override
    public Uni<Void> started(String region, String prefix) {
        started.increment();
        return Uni.createFrom().voidItem();
    }

    @Override
    public Uni<Void> approved(String region, String prefix) {
        approved.increment();
        return Uni.createFrom().voidItem();
    }

    void failed() {
        failed.increment();
    }

    /** counted by the expiry sweep, once per verification whatever replica sweeps */
    void expired() {
        expired.increment();
    }

    /** result: valid, invalid, or the state that refused the check */
    void check(String result) {
        checks.computeIfAbsent(result, r -> registry.counter("callauth.checks", "result", r)).increment();
    }

    void refused(String rule) {
        registry.counter("callauth.refusals", "rule", rule == null ? "none" : rule).increment();
    }
}
