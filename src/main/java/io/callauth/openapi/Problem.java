package io.callauth.openapi;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The error body every failure answers, as the published OpenAPI document shows it: RFC 9457
 * {@code application/problem+json} with a stable machine-readable {@code code} and the extension members some codes
 * carry. Documentation only: {@link io.callauth.common.ProblemMapper} writes the body; keep both in step (the
 * generated client decodes error bodies with this schema, GeneratedClientIT proves it on a 409).
 */
@Schema(name = "Problem", description = "An error, as RFC 9457 problem details (application/problem+json). `code` is "
        + "the stable, machine-readable cause; branch on it, not on `title` or `detail`.")
public record Problem(
        @Schema(required = true, description = "A URI naming the problem type: `urn:callauth:problem:` followed by "
                + "`code`", examples = "urn:callauth:problem:already_approved")
        String type,

        @Schema(required = true, description = "The HTTP reason phrase of `status`", examples = "Conflict")
        String title,

        @Schema(required = true, description = "The HTTP status code of the answer", examples = "409")
        int status,

        @Schema(required = true, description = """
                What went wrong:
                * `invalid_request` (400): a missing or malformed field, parameter or header; `detail` says which
                * `invalid_phone` (400): not a phone number
                * `unauthorized` (401): no or an unknown API key
                * `forbidden` (403): the API key lacks the role the operation needs
                * `destination_not_allowed` (403): the number may not be called; `reason` and `rule` say why
                * `not_found` (404): no such verification for this API key; (fraud API) no such call, or no recording \
                of it
                * `method_not_allowed` (405), `not_acceptable` (406), `unsupported_media_type` (415)
                * `already_approved`, `expired`, `canceled`, `max_attempts_reached`, `failed` (409): the \
                verification is no longer pending; the code names its state
                * `idempotency_conflict` (422): the `Idempotency-Key` was used for another phone
                * `rate_limited` (429): a limit was hit; `rule` names it, `Retry-After` says when to try again
                * `internal_error` (500): our fault; `incident` identifies it in our logs
                * `providers_unavailable` (503): no provider could place a call, or (recording) the provider keeping \
                it cannot be reached; `Retry-After`
                * `storage_unavailable` (503): the verification store cannot be reached; `Retry-After`
                * `archive_unavailable` (503): the attempt archive cannot be reached (fraud API only); \
                `Retry-After`""",
                enumeration = {"invalid_request", "invalid_phone", "unauthorized", "forbidden",
                        "destination_not_allowed", "not_found", "method_not_allowed", "not_acceptable",
                        "unsupported_media_type", "already_approved", "expired", "canceled", "max_attempts_reached",
                        "failed", "idempotency_conflict", "rate_limited", "internal_error", "providers_unavailable",
                        "storage_unavailable", "archive_unavailable"},
                examples = "already_approved")
        String code,

        @Schema(description = "What happened, in words, for people (never parse it)",
                examples = "the verification is approved")
        String detail,

        @Schema(description = "`rate_limited` and `destination_not_allowed`: the rule that refused the request: "
                + "`destination`, `prefix`, `ip`, `api_key`, `check_ip`, `verification_calls`, "
                + "`geo_allowed_regions`, `geo_denied_prefixes`, `geo_denied_number_types`",
                examples = "destination")
        String rule,

        @Schema(description = "`destination_not_allowed`: why the number may not be called: `country_not_allowed`, "
                + "`prefix_denied` or `number_type_<type>` (e.g. `number_type_premium_rate`)",
                examples = "country_not_allowed")
        String reason,

        @Schema(description = "`providers_unavailable` on start: the verification that was created and has now failed",
                examples = "vf_4c1e0d6a9b2f47e3a1c5d8e7f6a5b4c3")
        String verificationId,

        @Schema(description = "`internal_error`: quote it when reporting the failure", examples = "inc_a1b2c3d4e5f6")
        String incident) {
}
