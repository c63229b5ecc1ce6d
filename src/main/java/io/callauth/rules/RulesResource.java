package io.callauth.rules;

import io.callauth.common.ApiProblem;
import io.callauth.openapi.OpenApiDoc;
import io.callauth.security.ApiKey;
import io.callauth.security.ApiKeyFilter;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.util.List;

/** The fraud team's runtime rules (fraud role, see ApiKeyFilter): create, list, delete, and the audit trail. */
@Path("/v1/rules")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = OpenApiDoc.FRAUD_TEAM)
@SecurityRequirement(name = OpenApiDoc.API_KEY)
@APIResponse(responseCode = "401", ref = OpenApiDoc.UNAUTHORIZED)
@APIResponse(responseCode = "403", ref = OpenApiDoc.FORBIDDEN)
@APIResponse(responseCode = "500", ref = OpenApiDoc.INTERNAL_ERROR)
public class RulesResource {

    private final Rules rules;

    public RulesResource(Rules rules) {
        this.rules = rules;
    }

    /** a list answer */
    public record Items<T>(List<T> items) {
    }

    @POST
    @Operation(operationId = "createRule", summary = "Block or allow a phone, prefix, country, IP range, app or device "
            + "at runtime, on every replica within a second")
    @APIResponse(responseCode = "201", description = "The rule, with its id",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Rule.class)))
    @APIResponse(responseCode = "400", ref = OpenApiDoc.BAD_REQUEST)
    public Uni<Response> create(RuleRequest body, @Context ContainerRequestContext ctx) {
        return rules.create(body, actor(ctx)).map(r -> Response.created(URI.create("/v1/rules/" + r.id()))
                .entity(r).build());
    }

    @GET
    @Operation(operationId = "listRules", summary = "The rules in force, oldest first, with their hit counts")
    @APIResponse(responseCode = "200", description = "The rules")
    public Uni<Items<Rule>> list() {
        return rules.list().map(Items::new);
    }

    @DELETE
    @Path("/{id}")
    @Operation(operationId = "deleteRule", summary = "Remove a rule")
    @APIResponse(responseCode = "204", description = "Removed")
    @APIResponse(responseCode = "404", ref = OpenApiDoc.NOT_FOUND)
    public Uni<Response> delete(@PathParam("id") String id, @Context ContainerRequestContext ctx) {
        return rules.delete(id, actor(ctx)).map(removed -> {
            if (!removed) {
                throw ApiProblem.notFound("no rule " + (id == null ? "" : id.replaceAll("[^A-Za-z0-9_]", "")));
            }
            return Response.noContent().build();
        });
    }

    @GET
    @Path("/audit")
    @Operation(operationId = "listRuleAudit", summary = "Every change of the rules, newest first: who, when, what, "
            + "the rule before and after")
    @APIResponse(responseCode = "200", description = "The audit trail")
    @APIResponse(responseCode = "400", ref = OpenApiDoc.BAD_REQUEST)
    public Uni<Items<AuditEntry>> audit(@QueryParam("limit") String limit) {
        int n;
        try {
            n = limit == null ? 100 : Integer.parseInt(limit);
        } catch (NumberFormatException e) {
            return Uni.createFrom().failure(ApiProblem.invalidRequest("limit must be 1 to " + Rules.MAX_AUDIT));
        }
        return rules.audit(n).map(Items::new);
    }

    private static String actor(ContainerRequestContext ctx) {
        Object key = ctx.getProperty(ApiKeyFilter.KEY);
        return key instanceof ApiKey k ? k.name() : "unknown";
    }
}
