package io.callauth.console;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestQuery;

import java.time.Clock;

/**
 * The console's Webhooks page: every endpoint with its health over a window (24 h or 7 days), its newest failures and
 * the buttons of the endpoints the signed-in key registered (their forms post to {@link WebhookPageResource}).
 * Blocking (Redis reads): a worker thread.
 */
@Path("/console/webhooks")
@Produces(MediaType.TEXT_HTML)
public class WebhooksPageResource {

    private final Template webhooksPage;
    private final WebhookRows rows;
    private final ConsolePages pages;
    private final Clock clock;

    public WebhooksPageResource(@Location("console/webhooks.html") Template webhooksPage, WebhookRows rows,
                                ConsolePages pages, Clock clock) {
        this.webhooksPage = webhooksPage;
        this.rows = rows;
        this.pages = pages;
        this.clock = clock;
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance webhooksPage(@RestQuery String window, @RestQuery String done, @RestQuery String wh,
                                         @RestQuery String event, @RestQuery String events,
                                         @Context ContainerRequestContext ctx) {
        ConsoleSession s = ConsolePages.session(ctx);
        String w = WebhookRows.window(window);
        return pages.page(webhooksPage, s, "webhooks")
                .data("rows", rows.all(s, w))
                .data("window", w)
                .data("windows", WebhookRows.WINDOW_NAMES)
                .data("notice", WebhookNotice.of(done, wh, event, events))
                .data("replaySince", WebhookPageResource.replayDefault(clock));
    }
}
