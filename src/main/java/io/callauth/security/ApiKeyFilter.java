package io.callauth.security;

import io.callauth.common.ApiProblem;
import io.callauth.common.ProblemMapper;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.spi.ServerRequestContext;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Bearer API keys on the public API. The fraud team's paths ({@code /v1/attempts}, {@code /v1/rules},
 * {@code /v1/calls/…}, {@code /v1/verifications/{id}/calls}) need the fraud role, the verifications the verify role,
 * any other path under {@code /v1} a valid key of either role (the router then answers 404). Roles are judged on the
 * path the router matches (see {@link #routedPath}). The console signs in with a fraud key into its own session (not
 * through this filter). The authenticated key travels in the request context as {@link #KEY}.
 */
public class ApiKeyFilter {

    public static final String KEY = "callauth.apiKey";
    private final ApiKeys keys;

    public ApiKeyFilter(ApiKeys keys) {
        this.keys = keys;
    }

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> authenticate(ContainerRequestContext ctx, ServerRequestContext request) {
        List<String> segments = segments(routedPath(request));
        if (!isApi(segments)) {
            return Optional.empty();
        }
        String header = ctx.getHeaderString(HttpHeaders.AUTHORIZATION);
        String secret = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        Optional<ApiKey> key = keys.authenticate(secret);
        if (key.isEmpty()) {
            return Optional.of(problem(ApiProblem.unauthorized("a valid API key is required: Authorization: Bearer <key>"),
                    true));
        }
        Set<Role> allowed = allowedRoles(segments);
        if (!allowed.isEmpty() && allowed.stream().noneMatch(key.get()::has)) {
            return Optional.of(problem(ApiProblem.forbidden("this API key lacks the '"
                    + allowed.iterator().next().name().toLowerCase() + "' role"), false));
        }
        ctx.setProperty(KEY, key.get());
        return Optional.empty();
    }

    /**
     * The path the router matches: dot segments removed ({@code %2e%2e} included), still percent-encoded, so that an
     * encoded {@code /} stays inside its segment as it does for the router (the decoded path of {@code UriInfo} would
     * split it).
     */
    private static String routedPath(ServerRequestContext request) {
        return ((ResteasyReactiveRequestContext) request).getPathWithoutPrefix();
    }

    /** the fraud team's paths under /v1: the archive, the rules, call records and recordings, routing, the defence */
    private static final List<String> FRAUD_ROOTS = List.of("attempts", "rules", "calls", "routing", "defence");
    private static final String API = "v1";
    private static final String VERIFICATIONS = "verifications";
    /** paths open to a key of either role, which then sees what is its own ({@code /v1/webhooks}) */
    private static final List<String> EITHER_ROLE_ROOTS = List.of("webhooks");

    /** a routed path's segments, empty ones and matrix parameters ({@code ;a=b}) left out as the router leaves them */
    static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            int semicolon = s.indexOf(';');
            String segment = semicolon < 0 ? s : s.substring(0, semicolon);
            if (!segment.isEmpty()) {
                out.add(segment);
            }
        }
        return out;
    }

    /** everything under {@code /v1} needs a valid key, also a path the API does not have (then: 404) */
    static boolean isApi(List<String> segments) {
        return !segments.isEmpty() && segments.get(0).equals(API);
    }

    /**
     * The role a path of the API needs: FRAUD for {@code /v1/attempts}, {@code /v1/rules}, {@code /v1/calls} (and
     * anything under them) and {@code /v1/verifications/<id>/calls}; VERIFY for the verify role's paths
     * ({@code /v1/verifications}, {@code /v1/verifications/<id>}, {@code …/<id>/check}, {@code …/<id>/resend});
     * none (a key of any role, then 404) for any other path under {@code /v1}, and for a path outside it.
     */
    static Role requiredRole(List<String> segments) {
        if (!isApi(segments) || segments.size() < 2) {
            return null;
        }
        String root = segments.get(1);
        if (FRAUD_ROOTS.contains(root)) {
            return Role.FRAUD;
        }
        if (!root.equals(VERIFICATIONS)) {
            return null;
        }
        return switch (segments.size()) {
            case 2, 3 -> Role.VERIFY;
            case 4 -> switch (segments.get(3)) {
                case "calls" -> Role.FRAUD;
                case "check", "resend" -> Role.VERIFY;
                default -> null;
            };
            default -> null;
        };
    }

    /**
     * The roles a path accepts, any one of them: {@link #requiredRole} alone, or both roles for the paths open to a key
     * of either role ({@code /v1/webhooks} and under it); empty for a path that needs only a valid key.
     */
    static Set<Role> allowedRoles(List<String> segments) {
        if (isApi(segments) && segments.size() >= 2 && EITHER_ROLE_ROOTS.contains(segments.get(1))) {
            return EnumSet.allOf(Role.class);
        }
        Role required = requiredRole(segments);
        return required == null ? Set.of() : EnumSet.of(required);
    }

    /** {@link #allowedRoles(List)} of a routed path */
    static Set<Role> allowedRoles(String path) {
        return allowedRoles(segments(path));
    }

    /** {@link #requiredRole(List)} of a routed path */
    static Role requiredRole(String path) {
        return requiredRole(segments(path));
    }

    private static Response problem(ApiProblem p, boolean challenge) {
        Response r = ProblemMapper.build(p.status(), p.code(), p.getMessage(), Map.of(), null);
        return challenge ? Response.fromResponse(r).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build() : r;
    }
}
