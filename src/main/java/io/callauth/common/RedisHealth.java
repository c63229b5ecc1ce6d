package io.callauth.common;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;

/**
 * Readiness: Redis answers a PING within a second. DOWN says why in plain words ("Redis cannot be reached:
 * connection refused"), never an exception's class name. Replaces the client's own check.
 */
@Readiness
@ApplicationScoped
public class RedisHealth implements AsyncHealthCheck {

    private final ReactiveRedisDataSource redis;

    public RedisHealth(ReactiveRedisDataSource redis) {
        this.redis = redis;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return redis.execute("PING").ifNoItem().after(Duration.ofSeconds(1)).fail()
                .map(r -> HealthCheckResponse.named("redis").up().build())
                .onFailure().recoverWithItem(t -> HealthCheckResponse.named("redis").down()
                        .withData("reason", "Redis cannot be reached: " + StorageOutage.plain(t)).build());
    }
}
