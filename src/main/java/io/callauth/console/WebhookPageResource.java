package io.callauth.console;

import io.callauth.common.ApiProblem;
import io.callauth.webhooks.DeliveryStatus;
import io.callauth.webhooks.Endpoint;
import io.callauth.webhooks.WebhookReplay;
import io.callauth.webhooks.WebhookRequests;
import io.callauth.webhooks.Webhooks;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestQuery;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One webhook endpoint in the console: its settings and health, its deliveries of the last 7 days (filterable by
 * status), and its buttons: Send test (a {@code webhook.test} event), Replay since a time (from the attempt archive),
 * Enable / Disable. The buttons act through the webhooks backend with the signed-in fraud key's rights (its own
 * endpoints; another key's is 403 as in the API); each form carries the session's CSRF token, checked by
 * {@link ConsoleFilter} before these methods run, and redirects to the page it came from with a notice.
 * Blocking (Redis, the archive): worker threads.
 */
@Path("/console/webhooks/{id}")
@Produces(MediaType.TEXT_HTML)
public class WebhookPageResource {

    /** how many deliveries the page lists */
    static final int DELIVERIES = 200;
    private static final Logger LOG = Logger.getLogger(WebhookPageResource.class);
    private static final DateTimeFormatter LOCAL_MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm")
            .withZone(ZoneOffset.UTC);

    private final Template webhookPage;
    private final WebhookRows rows;
    private final Webhooks webhooks;
    private final WebhookReplay replay;
    private final ConsolePages pages;
    private final Clock clock;

    public WebhookPageResource(@Location("console/webhook.html") Template webhookPage, WebhookRows rows,
                               Webhooks webhooks, WebhookReplay replay, ConsolePages pages, Clock clock) {
        this.webhookPage = webhookPage;
        this.rows = rows;
        this.webhooks = webhooks;
        this.replay = replay;
        this.pages = pages;
        this.clock = clock;
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance webhookPage(@PathParam("id") String id, @RestQuery String status,
                                        @RestQuery String window, @RestQuery String done, @RestQuery String event,
                                        @RestQuery String events, @Context ContainerRequestContext ctx) {
        ConsoleSession s = ConsolePages.session(ctx);
        String w = WebhookRows.window(window);
        WebhookRow row = rows.one(s, id, w);
        Optional<DeliveryStatus> filter = DeliveryStatus.parse(status);
        return pages.page(webhookPage, s, "webhooks")
                .data("r", row)
                .data("window", w)
                .data("windows", WebhookRows.WINDOW_NAMES)
                .data("status", filter.map(DeliveryStatus::wire).orElse(""))
                .data("statuses", List.of("delivered", "pending", "failed"))
                .data("deliveries", rows.deliveries(row.endpoint().id(), filter, DELIVERIES))
                .data("limit", DELIVERIES)
                .data("notice", WebhookNotice.of(done, row.endpoint().id(), event, events))
                .data("replaySince", replayDefault(clock));
    }

    @POST
    @Operation(hidden = true)
    @Path("/test")
    public Response sendTest(@PathParam("id") String id, @RestForm String back, @Context ContainerRequestContext ctx) {
        ConsoleSession s = ConsolePages.session(ctx);
        String event = webhooks.test(WebhookRows.key(s), id);
        LOG.infof("console: %s sent a test event %s to webhook endpoint %s", s.user(), event, id);
        return back(back, id, WebhookNotice.query("test", id, Map.of("event", event)));
    }

    @POST
    @Operation(hidden = true)
    @Path("/replay")
    public Response replay(@PathParam("id") String id, @RestForm String since, @RestForm String back,
                           @Context ContainerRequestContext ctx) {
        ConsoleSession s = ConsolePages.session(ctx);
        Endpoint e = webhooks.owned(WebhookRows.key(s), id);
        String from = since == null || since.isBlank() ? null : ConsolePages.instant(since.strip());
        WebhookReplay.Replayed r;
        try {
            r = replay.replay(e, from);
        } catch (ApiProblem p) {
            if (p.status() != 400) {
                throw p;
            }
            return back(back, e.id(), WebhookNotice.query("since", e.id(), Map.of()));
        }
        LOG.infof("console: %s replayed %d events since %s to webhook endpoint %s", s.user(), r.events(), from,
                e.id());
        return back(back, e.id(), WebhookNotice.query("replay", e.id(), Map.of("events", Integer.toString(r.events()))));
    }

    @POST
    @Operation(hidden = true)
    @Path("/enabled")
    public Response enabled(@PathParam("id") String id, @RestForm String enabled, @RestForm String back,
                            @Context ContainerRequestContext ctx) {
        ConsoleSession s = ConsolePages.session(ctx);
        if (!"true".equals(enabled) && !"false".equals(enabled)) {
            throw ApiProblem.invalidRequest("enabled must be true or false");
        }
        boolean on = Boolean.parseBoolean(enabled);
        webhooks.update(WebhookRows.key(s), id, new WebhookRequests.Update(null, null, on, null));
        LOG.infof("console: %s %s webhook endpoint %s", s.user(), on ? "enabled" : "disabled", id);
        return back(back, id, WebhookNotice.query(on ? "enabled" : "disabled", id, Map.of()));
    }

    /** the datetime-local field's first value: an hour ago, UTC, to the minute */
    static String replayDefault(Clock clock) {
        return LOCAL_MINUTES.format(clock.instant().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MINUTES));
    }

    /** to the page the form was on: the list (at the endpoint's row) or this endpoint's page */
    private static Response back(String back, String id, String query) {
        String safeId = Links.enc(id);
        String to = "list".equals(back) ? "/console/webhooks?" + query + "#" + safeId
                : "/console/webhooks/" + safeId + "?" + query;
        return Response.seeOther(URI.create(to)).build();
    }
}
