package io.callauth.console;

import io.callauth.calls.CallRecords;
import io.callauth.calls.Recording;
import io.callauth.common.ApiProblem;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestMulti;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A call's recording for the verification page's player: the provider's audio streamed through callauth. */
@Path("/console/calls")
public class ConsoleRecordingResource {

    private final CallRecords calls;

    public ConsoleRecordingResource(CallRecords calls) {
        this.calls = calls;
    }

    @GET
    @Operation(hidden = true)
    @Path("/{callRef}/recording")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public RestMulti<byte[]> recording(@PathParam("callRef") String callRef) {
        // the session was checked by the filter (on the event loop); the provider's audio streams through as it comes
        Uni<Recording> found = calls.recording(callRef).map(r -> r.orElseThrow(
                () -> ApiProblem.notFound("no recording of this call: the provider keeps none")));
        return RestMulti.fromUniResponse(found, r -> r.body().map(Buffer::getBytes), r -> {
            Map<String, List<String>> h = new LinkedHashMap<>();
            h.put("Content-Type", List.of(r.contentType() == null ? "application/octet-stream" : r.contentType()));
            h.put("Cache-Control", List.of("private, no-store"));
            // streamed in chunks as the provider sends them: no Content-Length (chunked transfer encoding)
            return h;
        });
    }
}
