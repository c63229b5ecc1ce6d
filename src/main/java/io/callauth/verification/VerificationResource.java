package io.callauth.verification;

import io.callauth.ratelimit.ClientAddress;
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
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;

/** Public API v1: verifications. Needs an API key with the verify role (see {@link ApiKeyFilter}). */
@Path("/v1/verifications")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "verifications")
@SecurityScheme(securitySchemeName = "apiKey", type = SecuritySchemeType.HTTP, scheme = "bearer")
@SecurityRequirement(name = "apiKey")
public class VerificationResource {

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
    @Operation(summary = "Start a verification: normalise the phone, check limits, place the first call")
    public Uni<Response> start(Requests.Start body, @HeaderParam("Idempotency-Key") String idempotencyKey,
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
    @Operation(summary = "State, call status, provider, attempts left and the event timeline")
    public Uni<VerificationView> get(@PathParam("id") String id, @Context ContainerRequestContext ctx) {
        return service.get(key(ctx), id);
    }

    @POST
    @Path("/{id}/check")
    @Operation(summary = "Check the digits: 200 with valid true/false while pending, 409 naming the state otherwise")
    public Uni<CheckView> check(@PathParam("id") String id, Requests.Check body, @Context ContainerRequestContext ctx,
                                @Context HttpServerRequest request) {
        return service.check(key(ctx), id, body, withIp(body == null ? null : body.context(), request));
    }

    @POST
    @Path("/check")
    @Operation(summary = "Check the digits against the newest verification of a phone")
    public Uni<CheckView> checkByPhone(Requests.CheckByPhone body, @Context ContainerRequestContext ctx,
                                       @Context HttpServerRequest request) {
        return service.checkByPhone(key(ctx), body, withIp(body == null ? null : body.context(), request));
    }

    @POST
    @Path("/{id}/resend")
    @Operation(summary = "New call, new code: the next provider, or the channel / provider asked for")
    public Uni<VerificationView> resend(@PathParam("id") String id, Requests.Resend body,
                                        @Context ContainerRequestContext ctx) {
        return service.resend(key(ctx), id, body);
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Cancel a pending verification")
    public Uni<VerificationView> cancel(@PathParam("id") String id, @Context ContainerRequestContext ctx) {
        return service.cancel(key(ctx), id);
    }

    private static ApiKey key(ContainerRequestContext ctx) {
        return (ApiKey) ctx.getProperty(ApiKeyFilter.KEY);
    }
}
