package io.callauth.provider.support;

import io.callauth.provider.ProviderException;
import io.callauth.provider.ProvidersConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

@io.quarkus.test.junit.QuarkusTest
class ProviderGuardTest {

    private static ProvidersConfig.Circuit circuit() {
        return new ProvidersConfig.Circuit() {
            @Override
            public int requestVolume() {
                return 2;
            }

            @Override
            public double failureRatio() {
                return 0.5;
            }

            @Override
            public Duration delay() {
                return Duration.ofMinutes(1);
            }
        };
    }

    @Test
    void circuitsHaveStableNamesThatTheMaintenanceApiFinds() {
        ProviderMetrics metrics = new ProviderMetrics(new SimpleMeterRegistry());
        ProviderGuard first = new ProviderGuard("guardtest", circuit(), metrics);
        ProviderGuard second = new ProviderGuard("guardtest", circuit(), metrics);
        assertThat(first.circuitName()).isEqualTo("provider-guardtest");
        assertThat(second.circuitName()).isEqualTo("provider-guardtest-2");

        for (int i = 0; i < 2; i++) {
            first.call("place", () -> Uni.createFrom().failure(new ProviderException("guardtest",
                    ProviderException.Reason.ERROR, "down"))).onFailure().recoverWithNull().await().indefinitely();
        }
        assertThat(CircuitBreakerMaintenance.get().currentState("provider-guardtest")).isEqualTo(CircuitBreakerState.OPEN);
        assertThat(CircuitBreakerMaintenance.get().currentState("provider-guardtest-read"))
                .isEqualTo(CircuitBreakerState.CLOSED);
        assertThat(CircuitBreakerMaintenance.get().currentState("provider-guardtest-2")).isEqualTo(CircuitBreakerState.CLOSED);
    }
}
