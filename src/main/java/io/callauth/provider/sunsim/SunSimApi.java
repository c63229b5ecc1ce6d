package io.callauth.provider.sunsim;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.Encoded;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * SunSim integration API (sunsim.seed.md), under {@code <url>/api/v1/}. Tokens travel as {@code Bearer}; answers
 * are read as text. The call method is not documented: {@link #send} carries the configured request.
 */
@RegisterRestClient(configKey = "sunsim")
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
interface SunSimApi {

    @GET
    @Path("/auth/integrationapi/create")
    Uni<String> create(@HeaderParam("Authorization") String authorizationToken);

    @GET
    @Path("/auth/integrationapi/refresh")
    Uni<String> refresh(@HeaderParam("Authorization") String refreshToken);

    @POST
    @Path("/request/getcalllist")
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<String> callList(@HeaderParam("Authorization") String accessToken, String body);

    @GET
    @Path("/request/getcallrecordfile")
    Uni<String> callRecordFile(@HeaderParam("Authorization") String accessToken,
                               @QueryParam("recordFileId") String recordFileId);

    @GET
    @Path("/request/getrequestresultbyhash")
    Uni<String> requestResultByHash(@HeaderParam("Authorization") String accessToken,
                                    @QueryParam("requestHash") String requestHash);

    @POST
    @Path("/{path}")
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<String> send(@HeaderParam("Authorization") String accessToken, @PathParam("path") @Encoded String path, String body);

    @PUT
    @Path("/{path}")
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<String> sendPut(@HeaderParam("Authorization") String accessToken, @PathParam("path") @Encoded String path,
                        String body);
}
