package io.callauth.verification;

import io.callauth.openapi.OpenApiDoc;
import io.callauth.security.ClientAddress;
import io.callauth.security.ApiKey;
import io.vertx.core.http.HttpServerRequest;
import io.callauth.security.ApiKeyFilter;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;

/** Public API v1: verifications. Needs an API key with the verify role (see {@link ApiKeyFilter}). */
@Path("/v1/verifications")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = OpenApiDoc.CLIENT_APPS)
@SecurityRequirement(name = OpenApiDoc.API_KEY)
@APIResponse(responseCode = "401", ref = OpenApiDoc.UNAUTHORIZED)
@APIResponse(responseCode = "403", ref = OpenApiDoc.FORBIDDEN)
@APIResponse(responseCode = "500", ref = OpenApiDoc.INTERNAL_ERROR)
@APIResponse(responseCode = "503", ref = OpenApiDoc.UNAVAILABLE)
public class VerificationResource {

    private static final String ID = "The verification's id, as the start answered it";

    private final VerificationService service;
    private final ClientAddress addresses;

    public VerificationResource(VerificationService service, ClientAddress addresses) {
        this.service = service;
        this.addresses = addresses;
    }

    /** the end user's IP: {@code context.ip} when the client gives it, else the request's own source address */
    private ClientContext withIp(ClientContext ctx, HttpServerRequest request) {
        ClientContext c = ctx == null ? ClientContext.EMPTY : ctx;
        return c.ip() != null && !c.ip().isBlank() ? c
                : new ClientContext(addresses.of(request), c.userAgent(), c.appId(), c.deviceId());
    }

    @POST
    @Operation(operationId = "startVerification",
            summary = "Start a verification: normalise the phone, check the limits, place the first call",
            description = "The phone is normalised to E.164 and checked against the destination rules and rate "
                    + "limits; then the first provider of the chain calls it. A refused start creates nothing and "
                    + "places no call. With an `Idempotency-Key` seen before (for the same phone), the verification "
                    + "that key started is answered again, with `Idempotent-Replayed: true`.")
    @APIResponse(responseCode = "201", description = "Started: the verification, its first call under way",
            headers = {
                    @Header(name = "Location", required = true, description = "The verification's URL",
                            schema = @Schema(type = SchemaType.STRING, format = "uri")),
                    @Header(name = "Idempotent-Replayed", description = "`true` when this answers an "
                            + "`Idempotency-Key` seen before (nothing new was started); absent otherwise",
                            schema = @Schema(type = SchemaType.BOOLEAN))},
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = VerificationView.class)))
    @APIResponse(responseCode = "400", ref = OpenApiDoc.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = OpenApiDoc.NOT_FOUND)
    @APIResponse(responseCode = "415", ref = OpenApiDoc.UNSUPPORTED_MEDIA_TYPE)
    @APIResponse(responseCode = "422", ref = OpenApiDoc.IDEMPOTENCY_CONFLICT)
    @APIResponse(responseCode = "429", ref = OpenApiDoc.RATE_LIMITED)
    public Uni<Response> start(@RequestBody(required = true) Requests.Start body,
                               @Parameter(name = "Idempotency-Key", in = ParameterIn.HEADER, description = "Makes a "
                                       + "retried start safe: the same key (per API key, 24 hours by default) "
                                       + "answers the verification it started instead of starting another. 1 to 255 "
                                       + "visible ASCII characters.", schema = @Schema(type = SchemaType.STRING,
                                       minLength = 1, maxLength = 255), example = "signin-7f3a9c")
                               @HeaderParam("Idempotency-Key") String idempotencyKey,
                               @Context ContainerRequestContext ctx, @Context HttpServerRequest request) {
        Requests.Start req = body == null ? null : new Requests.Start(body.phone(), body.channel(),
                withIp(body.context(), request));
        return service.start(key(ctx), req, idempotencyKey).map(s -> {
            Response.ResponseBuilder rb = Response.created(URI.create("/v1/verifications/" + s.view().id()))
                    .entity(s.view());
            if (s.replayed()) {
                rb.header("Idempotent-Replayed", "true");
            }
            return rb.build();
        });
    }

    @GET
    @Path("/{id}")
    @Operation(operationId = "getVerification",
            summary = "Read a verification: its state, call status, provider, tries and calls left, and the event "
                    + "timeline")
    @APIResponse(responseCode = "200", description = "The verification, with `events`",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = VerificationView.class)))
    @APIResponse(responseCode = "404", ref = OpenApiDoc.NOT_FOUND)
    public Uni<VerificationView> get(@Parameter(description = ID) @PathParam("id") String id,
                                     @Context ContainerRequestContext ctx) {
        return service.get(key(ctx), id);
    }

    @POST
    @Path("/{id}/check")
    @Operation(operationId = "checkVerification",
            summary = "Check the code the user typed: valid true or false while the verification is pending",
            description = "A right code approves the verification; a wrong one uses a try (`attemptsLeft`), the last "
                    + "one ends it as `max_attempts_reached`. A verification that is no longer pending answers 409 "
                    + "naming its state.")
    @APIResponse(responseCode = "200", description = "Checked: `valid`, the status after the check and the tries left",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CheckView.class)))
    @APIResponse(responseCode = "400", ref = OpenApiDoc.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = OpenApiDoc.NOT_FOUND)
    @APIResponse(responseCode = "409", ref = OpenApiDoc.CONFLICT)
    @APIResponse(responseCode = "415", ref = OpenApiDoc.UNSUPPORTED_MEDIA_TYPE)
    @APIResponse(responseCode = "429", ref = OpenApiDoc.RATE_LIMITED)
    public Uni<CheckView> check(@Parameter(description = ID) @PathParam("id") String id,
                                @RequestBody(required = true) Requests.Check body, @Context ContainerRequestContext ctx,
                                @Context HttpServerRequest request) {
        return service.check(key(ctx), id, body, withIp(body == null ? null : body.context(), request));
    }

    @POST
    @Path("/check")
    @Operation(operationId = "checkVerificationByPhone",
            summary = "Check the code the user typed against the newest verification of a phone (of this API key)",
            description = "The same as checking by id, for clients that did not keep the id.")
    @APIResponse(responseCode = "200", description = "Checked: `valid`, the status after the check and the tries left",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = CheckView.class)))
    @APIResponse(responseCode = "400", ref = OpenApiDoc.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = OpenApiDoc.NOT_FOUND)
    @APIResponse(responseCode = "409", ref = OpenApiDoc.CONFLICT)
    @APIResponse(responseCode = "415", ref = OpenApiDoc.UNSUPPORTED_MEDIA_TYPE)
    @APIResponse(responseCode = "429", ref = OpenApiDoc.RATE_LIMITED)
    public Uni<CheckView> checkByPhone(@RequestBody(required = true) Requests.CheckByPhone body,
                                       @Context ContainerRequestContext ctx, @Context HttpServerRequest request) {
        return service.checkByPhone(key(ctx), body, withIp(body == null ? null : body.context(), request));
    }

    @POST
    @Path("/{id}/resend")
    @Operation(operationId = "resendVerification",
            summary = "Call again with a new code: the next provider of the chain, or the channel or provider "
                    + "asked for",
            description = "The previous code stops passing at once. Resends count against the verification's calls "
                    + "(`callsLeft`) and the destination limits. The body is optional.")
    @APIResponse(responseCode = "200", description = "Called again: the verification (without `events`)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = VerificationView.class)))
    @APIResponse(responseCode = "400", ref = OpenApiDoc.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = OpenApiDoc.NOT_FOUND)
    @APIResponse(responseCode = "409", ref = OpenApiDoc.CONFLICT)
    @APIResponse(responseCode = "415", ref = OpenApiDoc.UNSUPPORTED_MEDIA_TYPE)
    @APIResponse(responseCode = "429", ref = OpenApiDoc.RATE_LIMITED)
    public Uni<VerificationView> resend(@Parameter(description = ID) @PathParam("id") String id,
                                        @RequestBody(required = false) Requests.Resend body,
                                        @Context ContainerRequestContext ctx) {
        return service.resend(key(ctx), id, body);
    }

    @DELETE
    @Path("/{id}")
    @Operation(operationId = "cancelVerification",
            summary = "Cancel a pending verification: its code stops passing and its call is no longer followed")
    @APIResponse(responseCode = "200", description = "Canceled: the verification (without `events`)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = VerificationView.class)))
    @APIResponse(responseCode = "404", ref = OpenApiDoc.NOT_FOUND)
    @APIResponse(responseCode = "409", ref = OpenApiDoc.CONFLICT)
    public Uni<VerificationView> cancel(@Parameter(description = ID) @PathParam("id") String id,
                                        @Context ContainerRequestContext ctx) {
        return service.cancel(key(ctx), id);
    }

    private static ApiKey key(ContainerRequestContext ctx) {
        return (ApiKey) ctx.getProperty(ApiKeyFilter.KEY);
    }
}
