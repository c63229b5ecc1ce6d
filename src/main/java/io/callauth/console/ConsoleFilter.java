package io.callauth.console;

import io.callauth.common.ApiProblem;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;
import org.jboss.resteasy.reactive.server.WithFormRead;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveContainerRequestContext;

import java.net.URI;

/**
 * The console's own gate: sessions and CSRF in one place. Every {@code /console} route except the sign-in page needs
 * a session (a cookie whose session exists in Redis); without one the browser is sent to the sign-in page (htmx
 * requests through {@code HX-Redirect}). Every POST needs its form's CSRF token ({@value #CSRF_FIELD}): the session's
 * own, or on the sign-in form the value of the {@value #PRE_COOKIE} cookie (double submit); a missing or wrong one is
 * 403 {@code forbidden} before the resource runs. The API key filter leaves {@code /console} alone: its rules cover {@code /v1} only.
 * Console answers carry a strict Content-Security-Policy, no caching, and a referrer for the console's own pages
 * only ({@code same-origin}): phone numbers travel in query strings the analyst typed or clicked and must not leak
 * into another site's logs, while the console's own form posts keep their real {@code Origin} ({@code no-referrer}
 * makes a browser send {@code Origin: null}, which dev mode's CORS filter refuses with a bare 403).
 */
public class ConsoleFilter {

    public static final String SESSION = "callauth.console.session";
    static final String STARTED = "callauth.console.started";
    static final String COOKIE = "ca_console";
    /** the sign-in form's double-submit cookie (there is no session yet to hold its token) */
    static final String PRE_COOKIE = "ca_console_pre";
    /** the form field every console form carries its CSRF token in */
    static final String CSRF_FIELD = "_csrf";
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "media-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final ConsoleSessions sessions;

    public ConsoleFilter(ConsoleSessions sessions) {
        this.sessions = sessions;
    }

    static boolean isConsole(String path) {
        return path.equals("/console") || path.startsWith("/console/");
    }

    static boolean isPublic(String path) {
        return path.equals("/console/sign-in");
    }

    @ServerRequestFilter(preMatching = true)
    public Uni<Response> gate(ContainerRequestContext ctx) {
        String path = ctx.getUriInfo().getPath();
        if (!isConsole(path) || isPublic(path)) {
            return Uni.createFrom().nullItem();
        }
        ctx.setProperty(STARTED, System.nanoTime());
        Cookie c = ctx.getCookies().get(COOKIE);
        return sessions.find(c == null ? null : c.getValue()).map(s -> {
            if (s.isPresent()) {
                ctx.setProperty(SESSION, s.get());
                return null;
            }
            return toSignIn(ctx.getHeaderString("HX-Request") != null);
        });
    }

    /**
     * The CSRF check of every console POST, after routing (the router has picked the method) and after the form is
     * read. The sign-in form (no session yet) compares its token with its double-submit cookie; every other form
     * with the session's token, in constant time.
     */
    @ServerRequestFilter
    @WithFormRead
    public void csrf(ResteasyReactiveContainerRequestContext ctx, SimpleResourceInfo resource) {
        String method = ctx.getMethod();
        if (method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")
                || !isConsole(ctx.getUriInfo().getPath())) {
            return;
        }
        String token = formField(ctx, CSRF_FIELD);
        if (resource.getResourceClass() == SignInResource.class && resource.getMethodName().equals("signIn")) {
            // "/console/sign-in/" is routed here too: not the sign-in form's path, so 404 whatever the token
            SignInResource.onlyAtSignIn(ctx);
            Cookie pre = ctx.getCookies().get(PRE_COOKIE);
            if (!ConsoleSessions.same(token, pre == null ? null : pre.getValue())) {
                throw ApiProblem.forbidden("the sign-in form's CSRF token is missing or wrong: reload the sign-in page");
            }
            return;
        }
        ConsoleSession s = ConsolePages.session(ctx);
        if (!ConsoleSessions.same(token, s.csrf())) {
            throw ApiProblem.forbidden("the form's CSRF token is missing or wrong: reload the page and try again");
        }
    }

    private static String formField(ResteasyReactiveContainerRequestContext ctx, String name) {
        if (ctx.getServerRequestContext() instanceof ResteasyReactiveRequestContext request
                && request.getFormParameter(name, true, false) instanceof String v) {
            return v;
        }
        return null; // no form (another content type) or no such field: refused like a wrong token
    }

    static Response toSignIn(boolean htmx) {
        if (htmx) {
            return Response.ok().header("HX-Redirect", "/console/sign-in").build();
        }
        return Response.seeOther(URI.create("/console/sign-in")).build();
    }

    @ServerResponseFilter
    public void headers(ContainerRequestContext req, ContainerResponseContext res) {
        if (!isConsole(req.getUriInfo().getPath())) {
            return;
        }
        var h = res.getHeaders();
        h.putSingle("Content-Security-Policy", CSP);
        h.putSingle("X-Content-Type-Options", "nosniff");
        h.putSingle("Referrer-Policy", "same-origin");
        h.putSingle("X-Frame-Options", "DENY");
        // the server's time for this page, rendering included (the browser's dev tools show it under Timing)
        if (req.getProperty(STARTED) instanceof Long started) {
            h.putSingle("Server-Timing", String.format(java.util.Locale.ROOT, "app;dur=%.1f",
                    (System.nanoTime() - started) / 1e6));
        }
        if (!h.containsKey("Cache-Control")) {
            h.putSingle("Cache-Control", "no-store");
        }
    }
}
