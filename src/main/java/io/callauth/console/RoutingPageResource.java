package io.callauth.console;

import io.callauth.provider.chain.ProviderChain;
import io.callauth.routing.RoutingConfig;
import io.callauth.routing.RoutingResource;
import io.callauth.routing.RoutingTable;
import io.callauth.routing.RoutingView;
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

/**
 * Routing in the console: per destination group, each provider's delivery, conversion, cost and the current order,
 * with why (the same view as {@code GET /v1/routing}, from this replica's memory).
 */
@Path("/console/routing")
@Produces(MediaType.TEXT_HTML)
public class RoutingPageResource {

    private final Template routingPage;
    private final RoutingTable table;
    private final ProviderChain chain;
    private final ConsolePages pages;
    private final RoutingConfig config;

    public RoutingPageResource(@Location("console/routing.html") Template routingPage, RoutingTable table,
                               ProviderChain chain, ConsolePages pages, RoutingConfig config) {
        this.config = config;
        this.routingPage = routingPage;
        this.table = table;
        this.chain = chain;
        this.pages = pages;
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance routingPage(@Context ContainerRequestContext ctx) {
        RoutingView view = RoutingResource.view(table, chain.names());
        return pages.page(routingPage, ConsolePages.session(ctx), "routing").data("routing", view)
                .data("chain", String.join(" → ", chain.names()))
                .data("costsConfigured", table.costs().configured())
                .data("window", span(config.window()));
    }

    /** how long the figures cover (callauth.routing.window), as the page says it: "hour", "30 minutes", "2 hours" */
    static String span(java.time.Duration window) {
        long s = window.toSeconds();
        if (s % 3600 == 0) {
            return s == 3600 ? "hour" : s / 3600 + " hours";
        }
        if (s % 60 == 0) {
            return s == 60 ? "minute" : s / 60 + " minutes";
        }
        return s + " seconds";
    }
}
