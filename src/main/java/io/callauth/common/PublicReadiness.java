package io.callauth.common;

import io.smallrye.health.SmallRyeHealthReporter;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.Map;

/**
 * Readiness on the API port, status only: {@code GET /q/health/ready} answers 200 {@code {"status":"UP"}} or 503
 * {@code {"status":"DOWN"}}, for load balancers and scripts that probe the port they send traffic to. The same checks
 * as the management interface's readiness (port 9000), which keeps the full report (which check, why) inside the
 * cluster together with the metrics.
 */
@Path("/q/health/ready")
public class PublicReadiness {

    private final SmallRyeHealthReporter health;

    public PublicReadiness(SmallRyeHealthReporter health) {
        this.health = health;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(hidden = true)
    public Uni<Response> ready() {
        return health.getReadinessAsync().map(h -> {
            boolean up = h.getPayload().getString("status").equals(HealthCheckResponse.Status.UP.name());
            return Response.status(up ? 200 : 503).entity(Map.of("status", up ? "UP" : "DOWN")).build();
        });
    }
}
