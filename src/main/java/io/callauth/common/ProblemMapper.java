package io.callauth.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every error leaves as {@code application/problem+json} (RFC 9457) with a stable machine-readable {@code code}.
 * Never a stack trace; a 500 only for our own faults, logged here with an id the caller can quote.
 */
public class ProblemMapper {

    public static final String PROBLEM_JSON = "application/problem+json";
    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);
    private final StorageOutage outage;

    public ProblemMapper(StorageOutage outage) {
        this.outage = outage;
    }

    /** the first request served after a Redis outage ends it (one volatile read otherwise) */
    @org.jboss.resteasy.reactive.server.ServerResponseFilter
    public void served(jakarta.ws.rs.container.ContainerResponseContext response) {
        if (outage.ongoing() && response.getStatus() < 500) {
            outage.served();
        }
    }

    @ServerExceptionMapper
    public Response apiProblem(ApiProblem p) {
        return build(p.status(), p.code(), p.getMessage(), p.extensions(), p.retryAfterSeconds());
    }

    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e) {
        String field = e.getPath().isEmpty() ? null : e.getPath().get(e.getPath().size() - 1).getFieldName();
        return build(400, "invalid_request", field == null ? "request body does not match the expected JSON shape"
                : "field '" + field + "' has the wrong type", Map.of(), null);
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        return build(400, "invalid_request", "request body is not valid JSON", Map.of(), null);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        Throwable cause = e.getCause();
        if (cause instanceof JsonProcessingException) {
            return malformedJson((JsonProcessingException) cause);
        }
        String code = switch (status) {
            case 400 -> "invalid_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 415 -> "unsupported_media_type";
            default -> status >= 500 ? "internal_error" : "invalid_request";
        };
        String detail = status >= 500 ? "internal error" : reason(status);
        if (status >= 500) {
            LOG.errorf(e, "request failed with %d", status);
        }
        return build(status, code, detail, Map.of(), null);
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable t) {
        if (StorageOutage.isOutage(t)) {
            outage.failed(t);
            return build(503, "storage_unavailable", "the verification store (Redis) cannot be reached; try again shortly",
                    Map.of(), StorageOutage.RETRY_AFTER_SECONDS);
        }
        String incident = Ids.random("inc_", 6);
        LOG.errorf(t, "unexpected failure, incident %s", incident);
        return build(500, "internal_error", "internal error (incident " + incident + ")", Map.of("incident", incident), null);
    }

    public static Response build(int status, String code, String detail, Map<String, Object> extensions, Long retryAfter) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "urn:callauth:problem:" + code);
        body.put("title", reason(status));
        body.put("status", status);
        body.put("code", code);
        if (detail != null) {
            body.put("detail", detail);
        }
        if (extensions != null) {
            extensions.forEach(body::putIfAbsent);
        }
        Response.ResponseBuilder rb = Response.status(status).type(PROBLEM_JSON).entity(body);
        if (retryAfter != null) {
            rb.header("Retry-After", retryAfter);
        }
        return rb.build();
    }

    private static String reason(int status) {
        Response.Status s = Response.Status.fromStatusCode(status);
        return s != null ? s.getReasonPhrase() : switch (status) {
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            default -> "Error";
        };
    }
}
