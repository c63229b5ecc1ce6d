package io.callauth.calls;

import io.callauth.common.ApiProblem;
import io.callauth.openapi.OpenApiDoc;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestMulti;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A call's recording (fraud role), streamed through callauth from the provider that keeps it: the provider's URL and
 * token stay here. See {@link CallsResource} for the calls themselves.
 */
@Path("/v1/calls/{callRef}/recording")
@Tag(name = OpenApiDoc.FRAUD_TEAM)
@SecurityRequirement(name = OpenApiDoc.API_KEY)
@APIResponse(responseCode = "401", ref = OpenApiDoc.UNAUTHORIZED)
@APIResponse(responseCode = "403", ref = OpenApiDoc.FORBIDDEN)
@APIResponse(responseCode = "404", ref = OpenApiDoc.NOT_FOUND)
@APIResponse(responseCode = "500", ref = OpenApiDoc.INTERNAL_ERROR)
public class RecordingResource {

    private final CallRecords records;

    public RecordingResource(CallRecords records) {
        this.records = records;
    }

    @GET
    @Produces("audio/mpeg")
    @Operation(operationId = "getCallRecording",
            summary = "The recording of a call, streamed through callauth",
            description = "The audio as the provider keeps it (SunSim `getcallrecordfile`, Yunhu `GetRecodeFile`), "
                    + "never the provider's URL or token. 404 `not_found` when the provider keeps none or the call "
                    + "is unknown.")
    @APIResponse(responseCode = "200", description = "The audio",
            content = {@Content(mediaType = "audio/mpeg", schema = @Schema(type = SchemaType.STRING, format = "binary")),
                    @Content(mediaType = "audio/wav", schema = @Schema(type = SchemaType.STRING, format = "binary"))})
    @APIResponse(responseCode = "503", ref = OpenApiDoc.UNAVAILABLE)
    public RestMulti<Buffer> recording(@PathParam("callRef") String callRef) {
        Uni<Recording> found = callRef.matches("[A-Za-z0-9_.-]{1,100}")
                ? records.recording(callRef).map(r -> r.orElseThrow(() ->
                ApiProblem.notFound("no recording of this call")))
                : Uni.createFrom().failure(ApiProblem.notFound("no recording of this call"));
        return RestMulti.fromUniResponse(found, Recording::body, RecordingResource::headers, r -> 200);
    }

    private static Map<String, List<String>> headers(Recording r) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        h.put("Content-Type", List.of(r.contentType()));
        if (r.length() != null) {
            h.put("Content-Length", List.of(Long.toString(r.length())));
        }
        h.put("Cache-Control", List.of("private, no-store"));
        return h;
    }
}
