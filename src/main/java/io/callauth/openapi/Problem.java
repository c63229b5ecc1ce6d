package io.callauth.openapi;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The error body every failure answers, as the published OpenAPI document shows it: RFC 9457
 * {@code application/problem+json} with a stable machine-readable {@code code} and the extension members some codes
 * carry. Documentation only: {@link io.callauth.common.ProblemMapper} writes the body; keep both in step (the
 * generated client decodes error bodies with this schema, GeneratedClientIT proves it on a 409).
 */
@Schema(name = "Problem", description = "An error, as RFC 9457 problem details (application/problem+json). `code` is "
        + "the stable, machine-readable cause; branch on it, not on `title` or `detail`, and on the HTTP status "
        + "when `code` is one you do not know (new codes may be added).")
public record Problem(
        @Schema(required = true, description = "A URI naming the problem type: `urn:callauth:problem:` followed by "
                + "`code`", examples = "urn:callauth:problem:already_approved")
        String type,

        @Schema(required = true, description = "The HTTP reason phrase of `status`", examples = "Conflict")
        String title,

        @Schema(required = true, description = "The HTTP status code of the answer", examples = "409")
        int status,

        @Schema(required = true, ref = NamedEnums.PROBLEM_CODE, description = "The stable, machine-readable cause "
                + "(`ProblemCode`: an open set, new codes may be added; a client handles a code it does not know by "
                + "the HTTP status)", examples = "already_approved")
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

    /**
     * The codes of this version and what each means, in the order the document lists them: the {@code ProblemCode}
     * schema (see {@link NamedEnums}). ProblemCodesTest checks that every code the application can answer is here.
     */
    public static final Map<String, String> CODES = codes();

    private static Map<String, String> codes() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("invalid_request", "(400) a missing or malformed field, parameter or header; `detail` says which");
        m.put("invalid_phone", "(400) not a phone number");
        m.put("event_not_allowed", "(400) a webhook endpoint of a key without the fraud role names a fraud event "
                + "type");
        m.put("invalid_webhook_url", "(400) a webhook URL callauth does not send to: not https, with user-info, "
                + "or a host that does not resolve or resolves to a loopback, private, link-local or metadata address");
        m.put("unauthorized", "(401) no or an unknown API key");
        m.put("forbidden", "(403) the API key lacks the role the operation needs");
        m.put("destination_not_allowed", "(403) the number may not be called; `reason` and `rule` say why");
        m.put("not_found", "(404) no such verification for this API key; (fraud API) no such rule or call, or no "
                + "recording of it");
        m.put("method_not_allowed", "(405) the path does not take this method");
        m.put("not_acceptable", "(406) none of the media types in `Accept` can be served");
        m.put("already_approved", "(409) the verification is no longer pending: it was approved");
        m.put("expired", "(409) the verification is no longer pending: its code's lifetime ended");
        m.put("canceled", "(409) the verification is no longer pending: it was canceled");
        m.put("max_attempts_reached", "(409) the verification is no longer pending: its tries are used up");
        m.put("failed", "(409) the verification is no longer pending: no provider could get a call through");
        m.put("unsupported_media_type", "(415) the body is not `application/json`");
        m.put("idempotency_conflict", "(422) the `Idempotency-Key` was used for another phone");
        m.put("rate_limited", "(429) a limit was hit; `rule` names it, `Retry-After` says when to try again");
        m.put("internal_error", "(500) our fault; `incident` identifies it in our logs");
        m.put("providers_unavailable", "(503) no provider could place a call, or (recording) the provider keeping "
                + "it cannot be reached; `Retry-After`");
        m.put("storage_unavailable", "(503) the verification store cannot be reached; `Retry-After`");
        m.put("archive_unavailable", "(503) the attempt archive cannot be reached (fraud API only); `Retry-After`");
        return java.util.Collections.unmodifiableMap(m);
    }
}
