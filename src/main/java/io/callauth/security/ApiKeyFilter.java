package io.callauth.security;

import io.callauth.common.ApiProblem;
import io.callauth.common.ProblemMapper;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Bearer API keys on the public API. The fraud team's paths ({@code /v1/attempts}, {@code /v1/rules},
 * {@code /v1/calls/…}, {@code /v1/verifications/{id}/calls}) need the fraud role, everything else under {@code /v1}
 * the verify role. The console signs in with a fraud key into its own session (not through this filter). The authenticated key travels in the request context as {@link #KEY}.
 */
public class ApiKeyFilter {

    public static final String KEY = "callauth.apiKey";
    private final ApiKeys keys;

    public ApiKeyFilter(ApiKeys keys) {
        this.keys = keys;
    }

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> authenticate(ContainerRequestContext ctx) {
        String path = ctx.getUriInfo().getPath();
        Role required = requiredRole(path);
        if (required == null) {
            return Optional.empty();
        }
        String header = ctx.getHeaderString(HttpHeaders.AUTHORIZATION);
        String secret = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        Optional<ApiKey> key = keys.authenticate(secret);
        if (key.isEmpty()) {
            return Optional.of(problem(ApiProblem.unauthorized("a valid API key is required: Authorization: Bearer <key>"),
                    true));
        }
        if (!key.get().has(required)) {
            return Optional.of(problem(ApiProblem.forbidden("this API key lacks the '"
                    + required.name().toLowerCase() + "' role"), false));
        }
        ctx.setProperty(KEY, key.get());
        return Optional.empty();
    }

    /** the fraud team's paths under /v1: the archive, the rules, call records and recordings */
    private static final List<String> FRAUD_ROOTS = List.of("attempts", "rules", "calls");
    private static final String VERIFICATIONS = "verifications/";

    /**
     * The role a path needs: FRAUD for {@code /v1/attempts}, {@code /v1/rules}, {@code /v1/calls} (and anything under
     * them) and {@code /v1/verifications/<id>/calls}; VERIFY for the rest of {@code /v1/}; none elsewhere. Plain string
     * tests, not a regular expression: this runs on every request.
     */
    static Role requiredRole(String path) {
        if (!path.startsWith("/v1/")) {
            return null;
        }
        return fraudPath(path.substring(4)) ? Role.FRAUD : Role.VERIFY;
    }

    private static boolean fraudPath(String rest) {
        for (String root : FRAUD_ROOTS) {
            if (rest.startsWith(root) && (rest.length() == root.length() || rest.charAt(root.length()) == '/')) {
                return true;
            }
        }
        if (rest.startsWith(VERIFICATIONS)) {
            int slash = rest.indexOf('/', VERIFICATIONS.length());
            if (slash > VERIFICATIONS.length()) {
                String tail = rest.substring(slash);
                return tail.equals("/calls") || tail.equals("/calls/");
            }
        }
        return false;
    }

    private static Response problem(ApiProblem p, boolean challenge) {
        Response r = ProblemMapper.build(p.status(), p.code(), p.getMessage(), Map.of(), null);
        return challenge ? Response.fromResponse(r).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build() : r;
    }
}
