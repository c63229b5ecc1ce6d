package io.callauth.defence;

import io.callauth.common.ApiProblem;
import io.callauth.openapi.OpenApiDoc;
import io.callauth.security.ApiKey;
import io.callauth.security.ApiKeyFilter;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** The automatic defence against pumping (fraud role, see ApiKeyFilter): its blocks and hottest ranges; release. */
@Path("/v1/defence")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = OpenApiDoc.FRAUD_TEAM)
@SecurityRequirement(name = OpenApiDoc.API_KEY)
@APIResponse(responseCode = "401", ref = OpenApiDoc.UNAUTHORIZED)
@APIResponse(responseCode = "403", ref = OpenApiDoc.FORBIDDEN)
@APIResponse(responseCode = "500", ref = OpenApiDoc.INTERNAL_ERROR)
public class DefenceResource {

    static final int HOTTEST = 20;

    private final DefenceState state;
    private final AutoBlocks blocks;

    public DefenceResource(DefenceState state, AutoBlocks blocks) {
        this.state = state;
        this.blocks = blocks;
    }

    /** what {@code GET /v1/defence} answers */
    @Schema(name = "Defence", description = "The automatic defence: its mode, its active and recent blocks (newest "
            + "first), and the hottest ranges with their baselines")
    public record View(
            @Schema(required = true, description = "`off`, `monitor` or `enforce`", examples = "enforce")
            String mode,
            @Schema(required = true) List<DefenceBlock> blocks,
            @Schema(required = true) List<HotRanges.Hot> hottest) {
    }

    /** the body of a release */
    @Schema(name = "DefenceRelease", description = "Release an automatic block, optionally allowing its value")
    public record Release(
            @Schema(description = "Also add an allow rule for this many days (1 to 365)", examples = "7")
            Integer allowDays) {
    }

    @GET
    @Operation(operationId = "getDefence", summary = "The automatic defence: active and recent auto-blocks with their "
            + "evidence, and the hottest ranges with their baselines")
    @APIResponse(responseCode = "200", description = "The defence's state",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = View.class)))
    public View get() {
        return state.view(HOTTEST);
    }

    @POST
    @Path("/blocks/{ruleId}/release")
    @Operation(operationId = "releaseDefenceBlock", summary = "Release an automatic block (its rule is removed on "
            + "every replica within a second; recorded as `auto_block_released`), optionally allowing its value for "
            + "some days")
    @APIResponse(responseCode = "200", description = "The block, released",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = DefenceBlock.class)))
    @APIResponse(responseCode = "400", ref = OpenApiDoc.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = OpenApiDoc.NOT_FOUND)
    public DefenceBlock release(@Parameter(description = "The block's rule id", example = "rl_4c1e0d6a9b2f47e3")
                                @PathParam("ruleId") String ruleId, Release body,
                                @Context ContainerRequestContext ctx) {
        Object key = ctx.getProperty(ApiKeyFilter.KEY);
        String actor = key instanceof ApiKey k ? k.name() : "unknown";
        return blocks.release(ruleId, actor, body == null ? null : body.allowDays()).orElseThrow(() ->
                ApiProblem.notFound("no automatic block " + (ruleId == null ? "" : ruleId.replaceAll("[^A-Za-z0-9_]",
                        ""))));
    }
}
