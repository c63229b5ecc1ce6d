package io.callauth.webhooks;

import io.callauth.openapi.NamedEnums;
import io.callauth.common.ApiProblem;
import io.callauth.openapi.OpenApiDoc;
import io.callauth.security.ApiKey;
import io.callauth.security.ApiKeyFilter;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
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
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Webhook endpoints (a key of either role, see ApiKeyFilter; who may see and change what: {@link Webhooks}).
 * Blocking methods: they run on worker threads.
 */
@Path("/v1/webhooks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = OpenApiDoc.CLIENT_APPS)
@SecurityRequirement(name = OpenApiDoc.API_KEY)
@APIResponse(responseCode = "401", ref = OpenApiDoc.UNAUTHORIZED)
@APIResponse(responseCode = "403", ref = OpenApiDoc.FORBIDDEN)
@APIResponse(responseCode = "500", ref = OpenApiDoc.INTERNAL_ERROR)
public class WebhooksResource {

    private static final String ID = "The endpoint's id";
    private static final String ID_EXAMPLE = "wh_4c1e0d6a9b2f47e3";

    private final Webhooks webhooks;
    private final DeliveryLog log;
    private final WebhookReplay replay;

    public WebhooksResource(Webhooks webhooks, DeliveryLog log, WebhookReplay replay) {
        this.webhooks = webhooks;
        this.log = log;
        this.replay = replay;
    }

    @Schema(name = "WebhookList", description = "Endpoints, oldest first")
    public record WebhookList(@Schema(required = true) List<WebhookView> items) {
    }

    @Schema(name = "WebhookDeliveryList", description = "Deliveries of the last 7 days, newest first")
    public record DeliveryList(@Schema(required = true) List<Delivery> items) {
    }

    @Schema(name = "WebhookTestAnswer", description = "The test event queued")
    public record TestAnswer(@Schema(required = true, examples = "evt_4c1e0d6a9b2f47e3a1c5d8e7f6a5b4c3") String eventId) {
    }

    @Schema(name = "WebhookReplayAnswer", description = "What the replay queued")
    public record ReplayAnswer(@Schema(required = true, description = "Records of the archive read") int records,
                               @Schema(required = true, description = "Events queued for the endpoint") int events) {
    }

    @POST
    @Operation(operationId = "createWebhook", summary = "Register an endpoint for events", description = "Answers "
            + "its `secret` (shown only here and on rotation). A key without the fraud role receives only its own "
            + "verifications' events and may not name a fraud type (400 `event_not_allowed`); a fraud key's endpoint "
            + "receives every key's events and the fraud events.")
    @APIResponse(responseCode = "201", description = "The endpoint, with its secret",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = WebhookView.class)))
    @APIResponse(responseCode = "400", ref = OpenApiDoc.BAD_REQUEST)
    public Response create(WebhookRequests.Create body, @Context ContainerRequestContext ctx) {
        WebhookView v = webhooks.create(key(ctx), body);
        return Response.created(URI.create("/v1/webhooks/" + v.id())).entity(v).build();
    }

    @GET
    @Operation(operationId = "listWebhooks", summary = "The key's endpoints (a fraud key: every endpoint), never a "
            + "secret")
    @APIResponse(responseCode = "200", description = "The endpoints",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = WebhookList.class)))
    public WebhookList list(@Context ContainerRequestContext ctx) {
        return new WebhookList(webhooks.list(key(ctx)));
    }

    @GET
    @Path("/{id}")
    @Operation(operationId = "getWebhook", summary = "One endpoint, without its secret")
    @APIResponse(responseCode = "200", description = "The endpoint",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = WebhookView.class)))
    @APIResponse(responseCode = "404", ref = OpenApiDoc.NOT_FOUND)
    public WebhookView get(@Parameter(description = ID, example = ID_EXAMPLE) @PathParam("id") String id,
                           @Context ContainerRequestContext ctx) {
        return WebhookView.of(webhooks.visible(key(ctx), id));
    }

    @PATCH
    @Path("/{id}")
    @Operation(operationId = "updateWebhook", summary = "Change an endpoint's url, events, description or enabled")
    @APIResponse(responseCode = "200", description = "The endpoint as changed",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = WebhookView.class)))
    @APIResponse(responseCode = "400", ref = OpenApiDoc.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = OpenApiDoc.NOT_FOUND)
    public WebhookView update(@Parameter(description = ID, example = ID_EXAMPLE) @PathParam("id") String id,
                              WebhookRequests.Update body, @Context ContainerRequestContext ctx) {
        return webhooks.update(key(ctx), id, body);
    }

    @DELETE
    @Path("/{id}")
    @Operation(operationId = "deleteWebhook", summary = "Remove an endpoint and its queued deliveries")
    @APIResponse(responseCode = "204", description = "Removed")
    @APIResponse(responseCode = "404", ref = OpenApiDoc.NOT_FOUND)
    public Response delete(@Parameter(description = ID, example = ID_EXAMPLE) @PathParam("id") String id,
                           @Context ContainerRequestContext ctx) {
        webhooks.delete(key(ctx), id);
        return Response.noContent().build();
    }

    @POST
    @Path("/{id}/rotate-secret")
    @Operation(operationId = "rotateWebhookSecret", summary = "A new signing secret; the old one keeps signing beside "
            + "it for 24 hours (two signatures)")
    @APIResponse(responseCode = "200", description = "The endpoint with its new secret",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = WebhookView.class)))
    @APIResponse(responseCode = "404", ref = OpenApiDoc.NOT_FOUND)
    public WebhookView rotate(@Parameter(description = ID, example = ID_EXAMPLE) @PathParam("id") String id,
                              @Context ContainerRequestContext ctx) {
        return webhooks.rotate(key(ctx), id);
    }

    @POST
    @Path("/{id}/test")
    @Operation(operationId = "testWebhook", summary = "Send the endpoint a `webhook.test` event")
    @APIResponse(responseCode = "202", description = "Queued",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TestAnswer.class)))
    @APIResponse(responseCode = "404", ref = OpenApiDoc.NOT_FOUND)
    public Response test(@Parameter(description = ID, example = ID_EXAMPLE) @PathParam("id") String id,
                         @Context ContainerRequestContext ctx) {
        return Response.accepted(new TestAnswer(webhooks.test(key(ctx), id))).build();
    }

    @GET
    @Path("/{id}/deliveries")
    @Operation(operationId = "listWebhookDeliveries", summary = "The endpoint's deliveries of the last 7 days, newest "
            + "first")
    @APIResponse(responseCode = "200", description = "The deliveries",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DeliveryList.class)))
    @APIResponse(responseCode = "400", ref = OpenApiDoc.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = OpenApiDoc.NOT_FOUND)
    public DeliveryList deliveries(@Parameter(description = ID, example = ID_EXAMPLE) @PathParam("id") String id,
                                   @Parameter(description = "Only deliveries in this state", schema = @Schema(
                                           ref = NamedEnums.WEBHOOK_DELIVERY_STATUS))
                                   @QueryParam("status") String status,
                                   @Parameter(description = "How many, newest first", schema = @Schema(
                                           type = SchemaType.INTEGER, format = "int32", minimum = "1",
                                           maximum = "" + DeliveryLog.MAX, defaultValue = "100"))
                                   @QueryParam("limit") String limit,
                                   @Context ContainerRequestContext ctx) {
        Optional<DeliveryStatus> filter = Optional.empty();
        if (status != null) {
            filter = Optional.of(DeliveryStatus.parse(status).orElseThrow(() ->
                    ApiProblem.invalidRequest("status must be delivered, pending or failed")));
        }
        int n = parseLimit(limit);
        Endpoint e = webhooks.visible(key(ctx), id);
        return new DeliveryList(log.recent(e.id(), filter, n));
    }

    @POST
    @Path("/{id}/replay")
    @Operation(operationId = "replayWebhook", summary = "Send again, from the attempt archive, every event the endpoint "
            + "subscribes to since a time", description = "With the events' original ids; delivered ones too.")
    @APIResponse(responseCode = "202", description = "Queued",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ReplayAnswer.class)))
    @APIResponse(responseCode = "400", ref = OpenApiDoc.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = OpenApiDoc.NOT_FOUND)
    @APIResponse(responseCode = "503", ref = OpenApiDoc.ARCHIVE_UNAVAILABLE)
    public Response replay(@Parameter(description = ID, example = ID_EXAMPLE) @PathParam("id") String id,
                           WebhookRequests.Replay body, @Context ContainerRequestContext ctx) {
        Endpoint e = webhooks.owned(key(ctx), id);
        String since = webhooks.checkReplay(body).since();
        WebhookReplay.Replayed r = replay.replay(e, since);
        return Response.accepted(new ReplayAnswer(r.records(), r.events())).build();
    }

    private static int parseLimit(String limit) {
        try {
            int n = limit == null ? 100 : Integer.parseInt(limit);
            if (n < 1 || n > DeliveryLog.MAX) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiProblem.invalidRequest("limit must be 1 to " + DeliveryLog.MAX);
        }
    }

    private static ApiKey key(ContainerRequestContext ctx) {
        if (ctx.getProperty(ApiKeyFilter.KEY) instanceof ApiKey k) {
            return k;
        }
        throw ApiProblem.unauthorized("a valid API key is required: Authorization: Bearer <key>");
    }
}
