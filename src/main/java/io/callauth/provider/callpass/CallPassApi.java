package io.callauth.provider.callpass;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * CallPass wire API (callpass.seed.md): form-encoded POSTs with a Bearer token, JSON answers in a
 * {@code status}/{@code data} envelope. Answers are read as text: {@code "null"} is a string there, and v2/v3
 * carry the code in {@code pin} or {@code phone}.
 */
@RegisterRestClient(configKey = "callpass")
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_FORM_URLENCODED)
interface CallPassApi {

    /** v2.0 / v3.0 with async=1: answers at once with the call id and the code digits */
    @POST
    @Path("/{version}/start-call-password/")
    Uni<String> startAsync(@PathParam("version") String version, @HeaderParam("Authorization") String authorization,
                           @FormParam("dn") String dn, @FormParam("timeout") int timeout, @FormParam("async") int async);

    /** v1.0: synchronous, answers once the call has a status (up to {@code timeout} seconds). Blocking. */
    @POST
    @Path("/v1.0/start-call-password/")
    String startSync(@HeaderParam("Authorization") String authorization, @FormParam("dn") String dn,
                     @FormParam("timeout") int timeout);

    @POST
    @Path("/{version}/get-call-password-status/")
    Uni<String> status(@PathParam("version") String version, @HeaderParam("Authorization") String authorization,
                       @FormParam("callid") String callid);
}
