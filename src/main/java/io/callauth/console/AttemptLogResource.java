package io.callauth.console;

import io.callauth.attempts.AttemptArchive;
import io.callauth.common.ApiProblem;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The console's attempt log (every filter of the API, keyset pages) and its export. */
@Path("/console/attempts")
@Produces(MediaType.TEXT_HTML)
public class AttemptLogResource {

    /** the attempt filters the page offers, in the order of the form */
    static final List<String> FILTERS = List.of("phone", "ip", "appId", "deviceId", "country", "prefix", "provider",
            "type", "outcome", "apiKey", "verificationId", "from", "to");
    private static final List<String> TYPES = List.copyOf(new TreeSet<>(List.of("started", "refused", "call_placed",
            "call_failed", "call_outcome", "fallback", "resend", "check", "approved", "canceled", "expired", "failed",
            "max_attempts_reached")));

    private final Template attempts;
    private final Template statsFragment;
    private final ConsoleAttempts archive;
    private final ConsoleConfig config;
    private final ConsolePages pages;

    public AttemptLogResource(@Location("console/attempts.html") Template attempts,
                              @Location("console/attempts-stats.html") Template statsFragment, ConsoleAttempts archive,
                              ConsoleConfig config, ConsolePages pages) {
        this.attempts = attempts;
        this.statsFragment = statsFragment;
        this.archive = archive;
        this.config = config;
        this.pages = pages;
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance attempts(@Context UriInfo uri, @Context ContainerRequestContext ctx) {
        ConsoleSession s = ConsolePages.session(ctx);
        long t0 = System.nanoTime();
        Map<String, String> form = new LinkedHashMap<>();
        Map<String, List<String>> query = new LinkedHashMap<>();
        read(uri, form, query);
        String error = null;
        AttemptArchive.Page page = new AttemptArchive.Page(List.of(), null);
        try {
            page = archive.list(query, config.pageSize());
        } catch (ApiProblem p) {
            if (p.status() != 400) {
                throw p;
            }
            error = p.getMessage();
        }
        List<AttemptRow> rows = page.items().stream().map(a -> AttemptRow.of(a, form)).toList();
        String next = page.next() == null ? null
                : "/console/attempts?" + Links.query(Links.with(form, "cursor", page.next()));
        String export = "/console/attempts/export" + (form.isEmpty() ? "" : "?" + Links.query(exportQuery(form)));
        boolean paged = query.containsKey("cursor");
        String stats = "/console/attempts/stats" + (form.isEmpty() ? "" : "?" + Links.query(form));
        return pages.page(attempts, s, "attempts").data("rows", rows).data("f", form).data("error", error)
                .data("stats", error == null ? stats : null)
                .data("next", next).data("export", export).data("paged", paged)
                .data("first", "/console/attempts" + (form.isEmpty() ? "" : "?" + Links.query(form)))
                .data("types", TYPES)
                .data("millis", (System.nanoTime() - t0) / 1_000_000);
    }

    /** the page's filters as the form shows them, and as the archive takes them (instants, the cursor) */
    private static void read(UriInfo uri, Map<String, String> form, Map<String, List<String>> query) {
        for (var e : uri.getQueryParameters().entrySet()) {
            String v = e.getValue().isEmpty() ? "" : e.getValue().get(0).strip();
            if (v.isEmpty()) {
                continue;
            }
            if (FILTERS.contains(e.getKey())) {
                form.put(e.getKey(), v);
            }
            if (FILTERS.contains(e.getKey()) || e.getKey().equals("cursor")) {
                query.put(e.getKey(), List.of(e.getKey().equals("from") || e.getKey().equals("to")
                        ? ConsolePages.instant(v) : v));
            }
        }
    }

    /**
     * The current filter's record count and top values: a fragment the page loads after it is shown (htmx), so that the
     * log itself never waits for the count.
     */
    @GET
    @Operation(hidden = true)
    @Path("/stats")
    public TemplateInstance stats(@Context UriInfo uri, @Context ContainerRequestContext ctx) {
        ConsolePages.session(ctx);
        long t0 = System.nanoTime();
        Map<String, String> form = new LinkedHashMap<>();
        Map<String, List<String>> query = new LinkedHashMap<>();
        read(uri, form, query);
        AttemptStats st = archive.stats(query, form);
        return statsFragment.data("st", st).data("millis", (System.nanoTime() - t0) / 1_000_000);
    }

    /** the export takes the API's filters: the datetime-local values become instants */
    private static Map<String, String> exportQuery(Map<String, String> form) {
        Map<String, String> q = new LinkedHashMap<>(form);
        q.computeIfPresent("from", (k, v) -> ConsolePages.instant(v));
        q.computeIfPresent("to", (k, v) -> ConsolePages.instant(v));
        return q;
    }

    @GET
    @Operation(hidden = true)
    @Path("/export")
    @Produces({"text/csv", MediaType.APPLICATION_JSON})
    public Response export(@Context UriInfo uri, @Context ContainerRequestContext ctx) {
        ConsolePages.session(ctx);
        // the API's export (same filters, same streaming, same CSV); the console's session stands for the key
        return archive.export(uri.getQueryParameters());
    }
}
