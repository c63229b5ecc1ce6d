package io.callauth.console;

import io.callauth.provider.ProvidersConfig;
import io.callauth.attempts.Attempt;
import io.callauth.attempts.AttemptArchive;
import io.callauth.attempts.ArchiveQuery;
import io.callauth.attempts.AttemptFilter;
import io.callauth.attempts.AttemptsResource;
import io.callauth.calls.CallRecords;
import io.callauth.calls.CallView;
import io.callauth.calls.Recording;
import io.vertx.mutiny.core.buffer.Buffer;
import io.callauth.common.ApiProblem;
import io.callauth.rules.AuditEntry;
import io.callauth.rules.Rule;
import io.callauth.rules.RuleRequest;
import io.callauth.rules.Rules;
import io.callauth.security.ApiKey;
import io.callauth.security.ApiKeys;
import io.callauth.security.Role;
import io.callauth.phone.PhoneNumbers;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestMulti;
import org.jboss.resteasy.reactive.RestQuery;

import java.net.URI;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The fraud team's console: server-rendered Qute pages (htmx swaps parts of them, Chart.js draws the hourly chart).
 * Every route but the sign-in page needs a session ({@link ConsoleFilter}); every POST needs the session's CSRF
 * token. Pages read the archive's indexed queries and rollups with blocking JDBC, so they run on worker threads.
 * Not part of the API: hidden from the OpenAPI document.
 */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
public class ConsoleResource {

    private static final Logger LOG = Logger.getLogger(ConsoleResource.class);
    static final String PRE_COOKIE = "ca_console_pre";
    private static final Duration AWAIT = Duration.ofSeconds(10);
    private static final DateTimeFormatter LOCAL_MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm");
    /** the attempt filters the page offers, in the order of the form */
    static final List<String> FILTERS = List.of("phone", "ip", "appId", "deviceId", "country", "prefix", "provider",
            "type", "outcome", "apiKey", "verificationId", "from", "to");

    private final Template signIn;
    private final Template overview;
    private final Template attempts;
    private final Template verification;
    private final Template rulesPage;
    private final ConsoleSessions sessions;
    private final OverviewCache overviews;
    private final SignInLimit signInLimit;
    private final ConsoleConfig config;
    private final ApiKeys keys;
    private final AttemptArchive archive;
    private final PhoneNumbers phones;
    private final Rules rules;
    private final CallRecords calls;
    private final DaySeeder seeder;
    private final ProvidersConfig providers;
    private final AttemptsResource api;

    public ConsoleResource(@Location("console/sign-in.html") Template signIn,
                           @Location("console/overview.html") Template overview,
                           @Location("console/attempts.html") Template attempts,
                           @Location("console/verification.html") Template verification,
                           @Location("console/rules.html") Template rulesPage,
                           ConsoleSessions sessions, OverviewCache overviews, SignInLimit signInLimit, ConsoleConfig config, ApiKeys keys,
                           AttemptArchive archive, PhoneNumbers phones, Rules rules, CallRecords calls,
                           DaySeeder seeder, ProvidersConfig providers, AttemptsResource api) {
        this.signIn = signIn;
        this.overview = overview;
        this.attempts = attempts;
        this.verification = verification;
        this.rulesPage = rulesPage;
        this.sessions = sessions;
        this.overviews = overviews;
        this.signInLimit = signInLimit;
        this.config = config;
        this.keys = keys;
        this.archive = archive;
        this.phones = phones;
        this.rules = rules;
        this.calls = calls;
        this.seeder = seeder;
        this.providers = providers;
        this.api = api;
    }

    // ---------------------------------------------------------------- sign-in and sign-out

    @GET
    @Operation(hidden = true)
    @Path("/sign-in")
    public Response signInPage(@Context ContainerRequestContext ctx) {
        onlyAtSignIn(ctx);
        return signInForm(ctx, null, 200);
    }

    /**
     * The sign-in routes answer at {@code /console/sign-in} only. The router also matches {@code /console/sign-in/}
     * (and more slashes) to them, which the gate treats as any other console path: without a session it sends the
     * browser to sign in, with one it lets the request through, and the answer must then be 404 like any unknown
     * console path, not the sign-in page.
     */
    private static void onlyAtSignIn(ContainerRequestContext ctx) {
        if (!ConsoleFilter.isPublic(ctx.getUriInfo().getPath())) {
            throw new jakarta.ws.rs.NotFoundException();
        }
    }

    /** the form with a fresh pre-session CSRF token (double submit: the same value in a SameSite=Strict cookie) */
    private Response signInForm(ContainerRequestContext ctx, String error, int status) {
        String pre = ConsoleSessions.token();
        return Response.status(status)
                .entity(signIn.data("csrf", pre).data("error", error).data("hours", config.sessionTtl().toHours()))
                .cookie(cookie(PRE_COOKIE, pre, "/console/sign-in", 600))
                .build();
    }

    @POST
    @Operation(hidden = true)
    @Path("/sign-in")
    public Response signIn(@RestForm String key, @RestForm("_csrf") String csrf, @Context ContainerRequestContext ctx,
                           @Context io.vertx.core.http.HttpServerRequest request) {
        onlyAtSignIn(ctx);
        Cookie pre = ctx.getCookies().get(PRE_COOKIE);
        if (!ConsoleSessions.same(csrf, pre == null ? null : pre.getValue())) {
            throw ApiProblem.forbidden("the sign-in form's CSRF token is missing or wrong: reload the sign-in page");
        }
        var taken = signInLimit.take(request);
        if (taken.isPresent() && !taken.get().allowed()) {
            long wait = Math.max(1, taken.get().retryAfter().toSeconds());
            LOG.warnf("console: sign-in refused, too many failed attempts from one address (%d s to wait)", wait);
            Response form = signInForm(ctx, "Too many failed sign-ins from your address: try again in "
                    + Math.max(1, (wait + 59) / 60) + " min.", 429);
            return Response.fromResponse(form).header("Retry-After", Long.toString(wait)).build();
        }
        var found = keys.authenticate(key == null ? null : key.strip());
        if (found.isEmpty()) {
            return signInForm(ctx, "That key is not a valid API key.", 401);
        }
        ApiKey k = found.get();
        if (!k.has(Role.FRAUD)) {
            return signInForm(ctx, "The key '" + k.name() + "' has no fraud role: the console needs a fraud-team key, "
                    + "not a client application's verify key.", 403);
        }
        ConsoleSession s = sessions.open(k.name()).await().atMost(AWAIT);
        signInLimit.succeeded(taken);
        LOG.infof("console: %s signed in", k.name());
        return Response.seeOther(URI.create("/console"))
                .cookie(cookie(ConsoleFilter.COOKIE, s.id(), "/console", (int) config.sessionTtl().toSeconds()))
                .cookie(cookie(PRE_COOKIE, "", "/console/sign-in", 0))
                .build();
    }

    @POST
    @Operation(hidden = true)
    @Path("/sign-out")
    public Response signOut(@RestForm("_csrf") String csrf, @Context ContainerRequestContext ctx) {
        ConsoleSession s = session(ctx, csrf);
        sessions.end(s.id()).await().atMost(AWAIT);
        LOG.infof("console: %s signed out", s.user());
        return Response.seeOther(URI.create("/console/sign-in"))
                .cookie(cookie(ConsoleFilter.COOKIE, "", "/console", 0))
                .build();
    }

    private NewCookie cookie(String name, String value, String path, int maxAge) {
        return new NewCookie.Builder(name).value(value).path(path).maxAge(maxAge).httpOnly(true)
                .secure(config.secureCookie()).sameSite(NewCookie.SameSite.STRICT).build();
    }

    // ---------------------------------------------------------------- overview

    @GET
    @Operation(hidden = true)
    public TemplateInstance overview(@RestQuery String window, @Context ContainerRequestContext ctx) {
        ConsoleSession s = session(ctx);
        String w = window != null && ConsoleQueries.WINDOWS.containsKey(window) ? window : "24h";
        Overview o = ArchiveQuery.archived(() -> overviews.overview(w));
        return page(overview, s, "overview").data("o", o).data("windows", ConsoleQueries.WINDOWS.keySet())
                .data("seeded", null).data("refresh", refreshLabel(config.overviewRefresh()));
    }

    static String refreshLabel(Duration d) {
        return d.toSeconds() % 60 == 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
    }

    @POST
    @Operation(hidden = true)
    @Path("/dev/seed")
    public Response seed(@RestForm("_csrf") String csrf, @Context ContainerRequestContext ctx) {
        session(ctx, csrf);
        if (!sandbox()) {
            throw ApiProblem.notFound("seeding is offered only when the sandbox provider is configured");
        }
        ArchiveQuery.archived(seeder::seed);
        return Response.seeOther(URI.create("/console?window=24h")).build();
    }

    boolean sandbox() {
        return providers.chain().map(c -> c.contains("sandbox")).orElse(false);
    }

    // ---------------------------------------------------------------- attempts

    @GET
    @Operation(hidden = true)
    @Path("/attempts")
    public TemplateInstance attempts(@Context UriInfo uri, @Context ContainerRequestContext ctx) {
        ConsoleSession s = session(ctx);
        long t0 = System.nanoTime();
        Map<String, String> form = new LinkedHashMap<>();
        Map<String, List<String>> query = new LinkedHashMap<>();
        String error = null;
        for (var e : uri.getQueryParameters().entrySet()) {
            String v = e.getValue().isEmpty() ? "" : e.getValue().get(0).strip();
            if (v.isEmpty()) {
                continue;
            }
            if (FILTERS.contains(e.getKey())) {
                form.put(e.getKey(), v);
            }
            if (FILTERS.contains(e.getKey()) || e.getKey().equals("cursor")) {
                query.put(e.getKey(), List.of(e.getKey().equals("from") || e.getKey().equals("to") ? instant(v) : v));
            }
        }
        AttemptArchive.Page page = new AttemptArchive.Page(List.of(), null);
        try {
            AttemptFilter filter = AttemptFilter.parse(query, Set.of());
            String phone = filter.equals().get("phone");
            if (phone != null) {
                try {
                    filter = filter.withPhone(phones.normalise(phone).e164());
                } catch (ApiProblem p) {
                    throw ApiProblem.invalidRequest("the phone filter is not a phone number");
                }
            }
            AttemptFilter f = filter;
            page = ArchiveQuery.archived(() -> archive.list(f, config.pageSize()));
        } catch (ApiProblem p) {
            if (p.status() != 400) {
                throw p;
            }
            error = p.getMessage();
        }
        List<AttemptRow> rows = page.items().stream().map(a -> AttemptRow.of(a, form)).toList();
        String next = page.next() == null ? null : "/console/attempts?" + Links.query(with(form, "cursor", page.next()));
        String export = "/console/attempts/export" + (form.isEmpty() ? "" : "?" + Links.query(exportQuery(form)));
        boolean paged = query.containsKey("cursor");
        return page(attempts, s, "attempts").data("rows", rows).data("f", form).data("error", error)
                .data("next", next).data("export", export).data("paged", paged)
                .data("first", "/console/attempts" + (form.isEmpty() ? "" : "?" + Links.query(form)))
                .data("types", new java.util.TreeSet<>(List.of("started", "refused", "call_placed", "call_failed",
                        "call_outcome", "fallback", "resend", "check", "approved", "canceled", "expired", "failed",
                        "max_attempts_reached")))
                .data("millis", (System.nanoTime() - t0) / 1_000_000);
    }

    /** the export takes the API's filters: the datetime-local values become instants */
    private static Map<String, String> exportQuery(Map<String, String> form) {
        Map<String, String> q = new LinkedHashMap<>(form);
        q.computeIfPresent("from", (k, v) -> instant(v));
        q.computeIfPresent("to", (k, v) -> instant(v));
        return q;
    }

    @GET
    @Operation(hidden = true)
    @Path("/attempts/export")
    @Produces({"text/csv", MediaType.APPLICATION_JSON})
    public Response export(@Context UriInfo uri, @Context ContainerRequestContext ctx) {
        session(ctx);
        // the API's own export (same filters, same streaming, same CSV); the console's session stands for the key
        return api.export(uri, "text/csv");
    }

    /** "2026-12-01T10:00" (a datetime-local field, UTC) or an ISO instant → an ISO instant */
    static String instant(String v) {
        try {
            return LocalDateTime.parse(v, LOCAL_MINUTES).toInstant(ZoneOffset.UTC).toString();
        } catch (RuntimeException e) {
            return v;
        }
    }

    static Map<String, String> with(Map<String, String> m, String k, String v) {
        Map<String, String> out = new LinkedHashMap<>(m);
        out.remove("cursor");
        out.put(k, v);
        return out;
    }


    // ---------------------------------------------------------------- verification

    @GET
    @Operation(hidden = true)
    @Path("/verifications/{id}")
    public TemplateInstance verification(@PathParam("id") String id, @Context ContainerRequestContext ctx) {
        ConsoleSession s = session(ctx);
        if (id == null || !id.matches("[A-Za-z0-9_-]{1,64}")) {
            throw ApiProblem.notFound("no such verification");
        }
        Map<String, List<String>> q = new TreeMap<>();
        q.put("verificationId", List.of(id));
        AttemptFilter f = AttemptFilter.parse(q, Set.of());
        AttemptArchive.Page page = ArchiveQuery.archived(() -> archive.list(f, 500));
        List<Attempt> timeline = new ArrayList<>(page.items());
        Collections.reverse(timeline);
        List<CallView> callViews = calls.calls(id).await().atMost(AWAIT);
        List<CallRow> callRows = callViews.stream().map(CallRow::of).toList();
        Attempt first = timeline.isEmpty() ? null : timeline.get(0);
        String status = timeline.isEmpty() ? null : timeline.get(timeline.size() - 1).type();
        return page(verification, s, "attempts").data("id", id).data("timeline", timeline).data("first", first)
                .data("status", status).data("calls", callRows).data("truncated", page.next() != null)
                .data("phoneLink", first == null || first.phone() == null ? null
                        : "/console/attempts?" + Links.query(Map.of("phone", first.phone())));
    }


    @GET
    @Operation(hidden = true)
    @Path("/calls/{callRef}/recording")
    @Produces(MediaType.APPLICATION_OCTET_STREAM)
    public RestMulti<byte[]> recording(@PathParam("callRef") String callRef) {
        // the session was checked by the filter (on the event loop); the provider's audio streams through as it comes
        Uni<Recording> found = calls.recording(callRef).map(r -> r.orElseThrow(
                () -> ApiProblem.notFound("no recording of this call: the provider keeps none")));
        return RestMulti.fromUniResponse(found, r -> r.body().map(Buffer::getBytes), r -> {
            Map<String, List<String>> h = new LinkedHashMap<>();
            h.put("Content-Type", List.of(r.contentType() == null ? "application/octet-stream" : r.contentType()));
            h.put("Cache-Control", List.of("private, no-store"));
            // streamed in chunks as the provider sends them: no Content-Length (chunked transfer encoding)
            return h;
        });
    }

    // ---------------------------------------------------------------- rules

    @GET
    @Operation(hidden = true)
    @Path("/rules")
    public TemplateInstance rulesPage(@Context ContainerRequestContext ctx) {
        return rulesView(session(ctx), null, null);
    }

    private TemplateInstance rulesView(ConsoleSession s, String error, Map<String, String> form) {
        List<Rule> list = rules.list().await().atMost(AWAIT);
        List<AuditEntry> audit = rules.audit(50).await().atMost(AWAIT);
        return page(rulesPage, s, "rules").data("rules", list).data("audit", audit).data("error", error)
                .data("f", form == null ? Map.of() : form)
                .data("fields", io.callauth.rules.RuleField.wires());
    }

    @POST
    @Operation(hidden = true)
    @Path("/rules")
    public Response addRule(@RestForm("_csrf") String csrf, @RestForm String action, @RestForm String mode,
                            @RestForm String field, @RestForm String value, @RestForm String reason,
                            @RestForm String expiresAt, @Context ContainerRequestContext ctx) {
        ConsoleSession s = session(ctx, csrf);
        Map<String, Object> match = new LinkedHashMap<>();
        match.put(field == null || field.isBlank() ? "?" : field, value == null ? "" : value.strip());
        String expires = expiresAt == null || expiresAt.isBlank() ? null : instant(expiresAt.strip());
        try {
            rules.create(new RuleRequest(action, match, mode, reason, expires), s.actor()).await().atMost(AWAIT);
        } catch (ApiProblem p) {
            if (p.status() != 400) {
                throw p;
            }
            Map<String, String> form = new LinkedHashMap<>();
            form.put("action", action);
            form.put("mode", mode);
            form.put("field", field);
            form.put("value", value);
            form.put("reason", reason);
            form.put("expiresAt", expiresAt);
            return Response.status(400).entity(rulesView(s, p.getMessage(), form)).build();
        }
        return Response.seeOther(URI.create("/console/rules")).build();
    }

    @POST
    @Operation(hidden = true)
    @Path("/rules/{id}/delete")
    public Response deleteRule(@PathParam("id") String id, @RestForm("_csrf") String csrf,
                               @Context ContainerRequestContext ctx) {
        ConsoleSession s = session(ctx, csrf);
        rules.delete(id, s.actor()).await().atMost(AWAIT);
        return Response.seeOther(URI.create("/console/rules")).build();
    }

    // ---------------------------------------------------------------- helpers

    private TemplateInstance page(Template t, ConsoleSession s, String nav) {
        return t.data("s", s).data("nav", nav).data("sandbox", sandbox());
    }

    static ConsoleSession session(ContainerRequestContext ctx) {
        Object s = ctx.getProperty(ConsoleFilter.SESSION);
        if (s instanceof ConsoleSession cs) {
            return cs;
        }
        // the filter lets no request without a session reach a console route; this is its second line
        throw ApiProblem.unauthorized("sign in to the console first");
    }

    /** the session, after checking the form's CSRF token against it (403 when missing or wrong) */
    static ConsoleSession session(ContainerRequestContext ctx, String csrf) {
        ConsoleSession s = session(ctx);
        if (!ConsoleSessions.same(csrf, s.csrf())) {
            throw ApiProblem.forbidden("the form's CSRF token is missing or wrong: reload the page and try again");
        }
        return s;
    }
}
