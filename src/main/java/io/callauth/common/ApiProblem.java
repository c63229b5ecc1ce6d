package io.callauth.common;

import java.util.Map;

/**
 * A failure the caller can act on, rendered as RFC 9457 problem+json with a stable {@code code}.
 * Thrown anywhere in request handling; {@link ProblemMapper} turns it into the response.
 */
public class ApiProblem extends RuntimeException {

    private final int status;
    private final String code;
    private final transient Map<String, Object> extensions;
    private final Long retryAfterSeconds;

    public ApiProblem(int status, String code, String detail) {
        this(status, code, detail, Map.of(), null);
    }

    public ApiProblem(int status, String code, String detail, Map<String, Object> extensions, Long retryAfterSeconds) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.extensions = extensions;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int status() { return status; }
    public String code() { return code; }
    public Map<String, Object> extensions() { return extensions; }
    public Long retryAfterSeconds() { return retryAfterSeconds; }

    public static ApiProblem invalidRequest(String detail) { return new ApiProblem(400, "invalid_request", detail); }
    public static ApiProblem notFound(String detail) { return new ApiProblem(404, "not_found", detail); }
    public static ApiProblem unauthorized(String detail) { return new ApiProblem(401, "unauthorized", detail); }
    public static ApiProblem forbidden(String detail) { return new ApiProblem(403, "forbidden", detail); }
}
