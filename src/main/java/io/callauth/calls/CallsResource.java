package io.callauth.calls;

import io.callauth.common.ApiProblem;
import io.callauth.openapi.OpenApiDoc;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/**
 * The fraud team's call records (fraud role, see ApiKeyFilter): the calls of a verification with what each provider
 * keeps of them, and their recordings streamed through callauth (the provider's URL and token stay here).
 */
@Path("/v1/verifications/{id}/calls")
@Tag(name = OpenApiDoc.FRAUD_TEAM)
@SecurityRequirement(name = OpenApiDoc.API_KEY)
@APIResponse(responseCode = "401", ref = OpenApiDoc.UNAUTHORIZED)
@APIResponse(responseCode = "403", ref = OpenApiDoc.FORBIDDEN)
@APIResponse(responseCode = "404", ref = OpenApiDoc.NOT_FOUND)
@APIResponse(responseCode = "500", ref = OpenApiDoc.INTERNAL_ERROR)
public class CallsResource {

    private final CallRecords records;

    public CallsResource(CallRecords records) {
        this.records = records;
    }

    @Schema(name = "CallList", description = "The calls of one verification, oldest first")
    public record CallList(
            @Schema(required = true, examples = "vf_4c1e0d6a9b2f47e3a1c5d8e7f6a5b4c3") String verificationId,
            @Schema(required = true, description = "Every call placed (or tried) for it, oldest first")
            List<CallView> items) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "listVerificationCalls",
            summary = "The calls of a verification with each provider's own record of the call (CDR)",
            description = "Served from Redis while the verification lives and from the archive for the retention "
                    + "(30 days) after. `record` is what the provider keeps (Yunhu: its CDR; SunSim: the call list "
                    + "row; CallPass: its status result), null when it keeps none or cannot be reached right now. "
                    + "Caller IDs are masked: their last digits are the code.")
    @APIResponse(responseCode = "200", description = "The calls",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CallList.class)))
    @APIResponse(responseCode = "503", ref = OpenApiDoc.ARCHIVE_UNAVAILABLE)
    public Uni<CallList> calls(@PathParam("id") String id) {
        if (!id.matches("[A-Za-z0-9_-]{1,80}")) {
            return Uni.createFrom().failure(ApiProblem.notFound("no such verification"));
        }
        return records.calls(id).chain(calls -> calls.isEmpty()
                ? records.known(id).map(known -> {
                    if (!known) {
                        throw ApiProblem.notFound("no such verification");
                    }
                    return new CallList(id, calls);
                })
                : Uni.createFrom().item(new CallList(id, calls)));
    }
}
