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

    public static ApiProblem invalidPhone(String detail) { return new ApiProblem(400, "invalid_phone", detail); }

    /** 403: the destination is refused by the geo permissions, a number type, a prefix or a rule ({@code rule}) */
    public static ApiProblem destinationNotAllowed(String detail, String reason, String rule,
                                                   Map<String, Object> more) {
        Map<String, Object> ext = new java.util.LinkedHashMap<>(more);
        ext.put("rule", rule);
        ext.put("reason", reason);
        return new ApiProblem(403, "destination_not_allowed", detail, Map.copyOf(ext), null);
    }

    /** 400: a webhook endpoint of a key without the fraud role names a fraud event type */
    public static ApiProblem eventNotAllowed(String detail) {
        return new ApiProblem(400, "event_not_allowed", detail);
    }

    /** 400: a webhook endpoint's URL is not one callauth sends to (scheme, user-info, or a non-public address) */
    public static ApiProblem invalidWebhookUrl(String detail) {
        return new ApiProblem(400, "invalid_webhook_url", detail);
    }

    public static ApiProblem idempotencyConflict(String detail) {
        return new ApiProblem(422, "idempotency_conflict", detail);
    }

    /** 429 naming the limit that fired ({@code rule}), with {@code Retry-After} */
    public static ApiProblem rateLimited(String detail, String rule, long retryAfterSeconds) {
        return new ApiProblem(429, "rate_limited", detail, Map.of("rule", rule), retryAfterSeconds);
    }

    /** 503: no provider could do what was asked (place a call, serve a recording) */
    public static ApiProblem providersUnavailable(String detail, Map<String, Object> extensions, long retryAfterSeconds) {
        return new ApiProblem(503, "providers_unavailable", detail, extensions, retryAfterSeconds);
    }

    /** 503: the attempt archive (PostgreSQL) cannot be reached; verifications go on */
    public static ApiProblem archiveUnavailable(String detail) {
        return new ApiProblem(503, "archive_unavailable", detail, Map.of(), 10L);
    }

    /** 409: the verification is no longer pending; its state is the code ({@code already_approved}, ...) */
    public static ApiProblem stateConflict(String code, String status) {
        return new ApiProblem(409, code, "the verification is " + status, Map.of("status", status), null);
    }
}
