package io.callauth.common;

import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A scheduler's tick runs in a request context; the work it hands to {@link Detached} does not (a REST client called
 * there would otherwise look for the incoming request's headers, find none and throw on every call).
 */
@QuarkusTest
class DetachedTest {

    @Inject
    Vertx vertx;

    @Test
    void theWorkRunsOutsideTheCallersRequestContext() {
        ManagedContext requests = Arc.container().requestContext();
        requests.activate();
        try {
            assertThat(requests.isActive()).isTrue();
            Boolean inside = Detached.run(vertx, () -> Uni.createFrom().item(() -> Arc.container().requestContext().isActive()))
                    .await().atMost(Duration.ofSeconds(5));
            assertThat(inside).as("request context active inside the detached work").isFalse();
            assertThat(requests.isActive()).isTrue();
        } finally {
            requests.terminate();
        }
    }

    @Test
    void itsResultAndItsFailureComeBack() {
        assertThat(Detached.run(vertx, () -> Uni.createFrom().item(42)).await().atMost(Duration.ofSeconds(5))).isEqualTo(42);
        assertThatThrownBy(() -> Detached.run(vertx, () -> Uni.createFrom().<Integer>failure(new IllegalStateException("late")))
                .await().atMost(Duration.ofSeconds(5))).hasMessage("late");
        assertThatThrownBy(() -> Detached.run(vertx, () -> {
            throw new IllegalArgumentException("early");
        }).await().atMost(Duration.ofSeconds(5))).hasMessage("early");
    }
}
