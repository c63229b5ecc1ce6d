package io.callauth.security;

import io.callauth.common.ApiProblem;
import io.callauth.common.ProblemMapper;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Map;
import java.util.Optional;

/**
 * Bearer API keys on the public API. {@code /v1/attempts} needs the fraud role, everything else under {@code /v1}
 * the verify role. The authenticated key travels in the request context as {@link #KEY}.
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

    static Role requiredRole(String path) {
        if (path.startsWith("/v1/attempts") || path.startsWith("/console/api")) {
            return Role.FRAUD;
        }
        if (path.startsWith("/v1/")) {
            return Role.VERIFY;
        }
        return null;
    }

    private static Response problem(ApiProblem p, boolean challenge) {
        Response r = ProblemMapper.build(p.status(), p.code(), p.getMessage(), Map.of(), null);
        return challenge ? Response.fromResponse(r).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build() : r;
    }
}
