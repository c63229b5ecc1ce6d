package io.callauth.routing;

import io.callauth.openapi.OpenApiDoc;
import io.callauth.provider.chain.ProviderChain;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.List;

/** {@code GET /v1/routing} (fraud role, see ApiKeyFilter): the figures in memory and the order each group gets. */
@Path("/v1/routing")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = OpenApiDoc.FRAUD_TEAM)
@SecurityRequirement(name = OpenApiDoc.API_KEY)
@APIResponse(responseCode = "401", ref = OpenApiDoc.UNAUTHORIZED)
@APIResponse(responseCode = "403", ref = OpenApiDoc.FORBIDDEN)
@APIResponse(responseCode = "500", ref = OpenApiDoc.INTERNAL_ERROR)
public class RoutingResource {

    private final RoutingTable table;
    private final ProviderChain chain;

    public RoutingResource(RoutingTable table, ProviderChain chain) {
        this.table = table;
        this.chain = chain;
    }

    @GET
    @Operation(operationId = "getRouting", summary = "Routing by measured delivery and cost: each destination group's "
            + "providers, their figures and the current order", description = "Per destination group (country + "
            + "carrier, else country + 5-digit prefix), for each provider of the chain: calls placed, delivered, "
            + "verifications approved and the median seconds to deliver over the window (an hour by default); the "
            + "configured cost of a call, the estimated rates and the expected cost per approved verification. "
            + "Served from the replica's memory (refreshed each second).")
    @APIResponse(responseCode = "200", description = "The routing table",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RoutingView.class)))
    public RoutingView get() {
        return view(table, chain.names());
    }

    /** the routing table as the API and the console show it */
    public static RoutingView view(RoutingTable table, List<String> providers) {
        List<RoutingView.Group> groups = new ArrayList<>();
        for (GroupFigures g : table.summary().groups()) {
            RoutePlanner.Plan plan = table.planFor(g, providers);
            List<RoutingView.Provider> ps = new ArrayList<>();
            for (RoutePlanner.Estimate e : plan.estimates()) {
                ProviderFigures f = g.of(e.provider());
                ps.add(new RoutingView.Provider(e.provider(), f == null ? 0 : f.placed(), f == null ? 0 : f.delivered(),
                        f == null ? 0 : f.approved(), f == null ? null : f.medianSecondsToDeliver(), e.cost(),
                        e.delivery(), e.approval(),
                        Double.isFinite(e.expectedCostPerApproval()) ? e.expectedCostPerApproval() : null));
            }
            groups.add(new RoutingView.Group(g.group(), g.country(), g.carrier(), g.prefix(), plan.order(),
                    plan.reason().wire(), ps));
        }
        return new RoutingView(table.mode().wire(), groups);
    }
}
