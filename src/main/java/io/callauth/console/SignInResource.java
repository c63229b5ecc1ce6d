package io.callauth.console;

import io.callauth.common.ApiProblem;
import io.callauth.security.ApiKey;
import io.callauth.security.ApiKeys;
import io.callauth.security.Role;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestForm;

import java.net.URI;

/**
 * Signing in to the console with a fraud key, and out. The sign-in form's CSRF token (a double-submit cookie) and the
 * sign-out's (the session's) are checked by {@link ConsoleFilter} before these methods run.
 */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
public class SignInResource {

    private static final Logger LOG = Logger.getLogger(SignInResource.class);

    private final Template signIn;
    private final ConsoleSessions sessions;
    private final SignInLimit signInLimit;
    private final ConsoleConfig config;
    private final ApiKeys keys;
    private final ConsolePages pages;

    public SignInResource(@Location("console/sign-in.html") Template signIn, ConsoleSessions sessions,
                          SignInLimit signInLimit, ConsoleConfig config, ApiKeys keys, ConsolePages pages) {
        this.signIn = signIn;
        this.sessions = sessions;
        this.signInLimit = signInLimit;
        this.config = config;
        this.keys = keys;
        this.pages = pages;
    }

    @GET
    @Operation(hidden = true)
    @Path("/sign-in")
    public Response signInPage(@Context ContainerRequestContext ctx) {
        onlyAtSignIn(ctx);
        return signInForm(null, 200);
    }

    /**
     * The sign-in routes answer at {@code /console/sign-in} only. The router also matches {@code /console/sign-in/}
     * (and more slashes) to them, which the gate treats as any other console path: without a session it sends the
     * browser to sign in, with one it lets the request through, and the answer must then be 404 like any unknown
     * console path, not the sign-in page.
     */
    static void onlyAtSignIn(ContainerRequestContext ctx) {
        if (!ConsoleFilter.isPublic(ctx.getUriInfo().getPath())) {
            throw new jakarta.ws.rs.NotFoundException();
        }
    }

    /** the form with a fresh pre-session CSRF token (double submit: the same value in a SameSite=Strict cookie) */
    private Response signInForm(String error, int status) {
        String pre = ConsoleSessions.token();
        return Response.status(status)
                .entity(signIn.data("csrf", pre).data("error", error).data("hours", config.sessionTtl().toHours()))
                .cookie(pages.cookie(ConsoleFilter.PRE_COOKIE, pre, "/console/sign-in", 600))
                .build();
    }

    @POST
    @Operation(hidden = true)
    @Path("/sign-in")
    public Response signIn(@RestForm String key, @Context ContainerRequestContext ctx,
                           @Context io.vertx.core.http.HttpServerRequest request) {
        onlyAtSignIn(ctx);
        var taken = signInLimit.take(request);
        if (taken.isPresent() && !taken.get().allowed()) {
            long wait = Math.max(1, taken.get().retryAfter().toSeconds());
            LOG.warnf("console: sign-in refused, too many failed attempts from one address (%d s to wait)", wait);
            Response form = signInForm("Too many failed sign-ins from your address: try again in "
                    + Math.max(1, (wait + 59) / 60) + " min.", 429);
            return Response.fromResponse(form).header("Retry-After", Long.toString(wait)).build();
        }
        var found = keys.authenticate(key == null ? null : key.strip());
        if (found.isEmpty()) {
            return signInForm("That key is not a valid API key.", 401);
        }
        ApiKey k = found.get();
        if (!k.has(Role.FRAUD)) {
            return signInForm("The key '" + k.name() + "' has no fraud role: the console needs a fraud-team key, "
                    + "not a client application's verify key.", 403);
        }
        ConsoleSession s = sessions.open(k.name()).await().atMost(ConsolePages.AWAIT);
        signInLimit.succeeded(taken);
        LOG.infof("console: %s signed in", k.name());
        return Response.seeOther(URI.create("/console"))
                .cookie(pages.cookie(ConsoleFilter.COOKIE, s.id(), "/console", (int) config.sessionTtl().toSeconds()))
                .cookie(pages.cookie(ConsoleFilter.PRE_COOKIE, "", "/console/sign-in", 0))
                .build();
    }

    @POST
    @Operation(hidden = true)
    @Path("/sign-out")
    public Response signOut(@Context ContainerRequestContext ctx) {
        ConsoleSession s = ConsolePages.session(ctx);
        sessions.end(s.id()).await().atMost(ConsolePages.AWAIT);
        LOG.infof("console: %s signed out", s.user());
        return Response.seeOther(URI.create("/console/sign-in"))
                .cookie(pages.cookie(ConsoleFilter.COOKIE, "", "/console", 0))
                .build();
    }
}
