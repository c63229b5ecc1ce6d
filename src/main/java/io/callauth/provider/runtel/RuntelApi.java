package io.callauth.provider.runtel;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * Runtel PBX API v2 (runtel.seed.md): every action is {@code POST {host}/api/} with
 * {@code {"action","obj","action_id","params"}}; answers echo them and carry {@code code} and {@code body}.
 */
@RegisterRestClient(configKey = "runtel")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
interface RuntelApi {

    /** auth / logout without a token */
    @POST
    @Path("/api/")
    Uni<String> anonymous(String body);

    @POST
    @Path("/api/")
    Uni<String> authorized(@HeaderParam("Authorization") String bearer, String body);
}
