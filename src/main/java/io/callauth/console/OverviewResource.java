package io.callauth.console;

import io.callauth.attempts.ArchiveQuery;
import io.callauth.common.ApiProblem;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestQuery;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;

/**
 * The console's overview for a window ({@link OverviewCache}), and the sandbox's "Seed a day of traffic" button.
 * Blocking JDBC: the methods run on worker threads.
 */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
public class OverviewResource {

    private final Template overview;
    private final OverviewCache overviews;
    private final DaySeeder seeder;
    private final ConsoleConfig config;
    private final ConsolePages pages;
    private final Clock clock;

    public OverviewResource(@Location("console/overview.html") Template overview, OverviewCache overviews,
                            DaySeeder seeder, ConsoleConfig config, ConsolePages pages, Clock clock) {
        this.clock = clock;
        this.overview = overview;
        this.overviews = overviews;
        this.seeder = seeder;
        this.config = config;
        this.pages = pages;
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance overview(@RestQuery String window, @RestQuery String from, @RestQuery String to,
                                     @Context ContainerRequestContext ctx) {
        ConsoleSession s = ConsolePages.session(ctx);
        String error = null;
        OverviewWindow w = OverviewWindow.named(OverviewWindow.isNamed(window) ? window : OverviewWindow.DEFAULT,
                clock.instant());
        if (OverviewWindow.CUSTOM.equals(window) || (window == null && (from != null || to != null))) {
            try {
                w = OverviewWindow.custom(from, to);
            } catch (ApiProblem p) {
                error = p.getMessage();
            }
        }
        OverviewWindow chosen = w;
        Overview o = ArchiveQuery.archived(() -> overviews.overview(chosen));
        return pages.page(overview, s, "overview").data("o", o).data("w", chosen)
                .data("windows", OverviewWindow.NAMED.keySet()).data("error", error)
                .data("customFrom", error == null ? chosen.fromField() : from)
                .data("customTo", error == null ? chosen.toField() : to)
                .data("seeded", null).data("refresh", refreshLabel(config.overviewRefresh()));
    }

    static String refreshLabel(Duration d) {
        return d.toSeconds() % 60 == 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
    }

    @POST
    @Operation(hidden = true)
    @Path("/dev/seed")
    public Response seed(@Context ContainerRequestContext ctx) {
        ConsolePages.session(ctx);
        if (!pages.sandbox()) {
            throw ApiProblem.notFound("seeding is offered only when the sandbox provider is configured");
        }
        ArchiveQuery.archived(seeder::seed);
        return Response.seeOther(URI.create("/console?window=24h")).build();
    }
}
