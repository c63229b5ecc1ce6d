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
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
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

    /** {@code Items<Rule>} as the document names it */
    @Schema(name = "RuleList", description = "The rules in force, oldest first")
    record RuleList(@Schema(required = true) List<Rule> items) {
    }

    /** {@code Items<AuditEntry>} as the document names it */
    @Schema(name = "RuleAuditList", description = "Changes of the rules, newest first")
    record RuleAuditList(@Schema(required = true) List<AuditEntry> items) {
    }

    @POST
    @Operation(operationId = "createRule", summary = "Block or allow a phone, prefix, country, IP range, app or device "
            + "at runtime, on every replica within a second", description = "A `block` refuses a start that matches "
            + "(403 `destination_not_allowed`, `reason: \"rule\"`, the rule named) and logs it as `refused` with "
            + "`rule: \"rule:<id>\"`; an `allow` is a safe list against the geo permissions, the number types and "
            + "the prefix limit. In `monitor` mode a rule only logs what it would have done. Every change is in the "
            + "audit trail.")
    @APIResponse(responseCode = "201", description = "The rule, with its id",
            headers = @Header(name = "Location", description = "`/v1/rules/{id}`", schema = @Schema(
                    type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Rule.class)))
    @APIResponse(responseCode = "400", ref = OpenApiDoc.BAD_REQUEST)
    public Uni<Response> create(RuleRequest body, @Context ContainerRequestContext ctx) {
        return rules.create(body, actor(ctx)).map(r -> Response.created(URI.create("/v1/rules/" + r.id()))
                .entity(r).build());
    }

    @GET
    @Operation(operationId = "listRules", summary = "The rules in force, oldest first, with their hit counts")
    @APIResponse(responseCode = "200", description = "The rules, with their hit counts",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = RuleList.class)))
    public Uni<Items<Rule>> list() {
        return rules.list().map(Items::new);
    }

    @DELETE
    @Path("/{id}")
    @Operation(operationId = "deleteRule", summary = "Remove a rule", description = "On every replica within a "
            + "second; kept in the audit trail")
    @APIResponse(responseCode = "204", description = "Removed")
    @APIResponse(responseCode = "404", ref = OpenApiDoc.NOT_FOUND)
    public Uni<Response> delete(@Parameter(description = "The rule's id", example = "rl_4c1e0d6a9b2f47e3")
                                @PathParam("id") String id, @Context ContainerRequestContext ctx) {
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
    @APIResponse(responseCode = "200", description = "The audit trail, newest first",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = RuleAuditList.class)))
    @APIResponse(responseCode = "400", ref = OpenApiDoc.BAD_REQUEST)
    public Uni<Items<AuditEntry>> audit(@Parameter(description = "How many changes, newest first", schema = @Schema(
            type = SchemaType.INTEGER, format = "int32", minimum = "1", maximum = "" + Rules.MAX_AUDIT,
            defaultValue = "100")) @QueryParam("limit") String limit) {
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
