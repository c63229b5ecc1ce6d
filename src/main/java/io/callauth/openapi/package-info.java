/**
 * The published OpenAPI document's shared parts: info, servers, the audience tags, the API-key security scheme, the
 * error responses every operation refers to (all {@code application/problem+json}, schema {@link
 * io.callauth.openapi.Problem}), the {@code Retry-After} header and the attempt archive's filters. The operations
 * themselves are annotated on the resource classes. Names: {@link io.callauth.openapi.OpenApiDoc}.
 */
@OpenAPIDefinition(
        info = @Info(title = "callauth API", version = "1", description = """
                Phone-call authentication: start a verification, the phone rings from a number whose last digits \
                are the code, check the digits the user types back. Client apps use the verifications (API keys \
                with the `verify` role); the fraud team reads the attempt archive (the `fraud` role).

                Every error is `application/problem+json` (schema `Problem`) with a stable `code`. New codes may be \
                added within v1 (`ProblemCode` is an open set): a client handles a code it does not know by the HTTP \
                status. The same holds for the values of `AttemptType` and `TimelineEventType`; the other \
                enumerations (`VerificationStatus`, `CallStatus`, `Channel`, ...) are closed."""),
        servers = {
                @Server(url = "{scheme}://{host}", description = "A callauth deployment", variables = {
                        @ServerVariable(name = "scheme", enumeration = {"https", "http"}, defaultValue = "https"),
                        @ServerVariable(name = "host", defaultValue = "callauth.example.com",
                                description = "the host (and port) the API is served on")}),
                @Server(url = "http://localhost:8080", description = "Dev mode (./mvnw quarkus:dev)")},
        tags = {
                @Tag(name = OpenApiDoc.CLIENT_APPS, description = "Phone verifications, for the applications that "
                        + "sign users in (API keys with the `verify` role)"),
                @Tag(name = OpenApiDoc.FRAUD_TEAM, description = "The attempt archive: every attempt, refused ones "
                        + "included, searchable, summarised and exported; the runtime rules; the calls of a "
                        + "verification with the providers' records of them, and their recordings (API keys with the "
                        + "`fraud` role)")},
        components = @Components(
                // placeholders of the named enumerations, so that a parameter can refer to one while the resources
                // are scanned; NamedEnums (a build-time filter) replaces each with its values
                schemas = {
                        @Schema(name = NamedEnums.VERIFICATION_STATUS, type = SchemaType.STRING),
                        @Schema(name = NamedEnums.CALL_STATUS, type = SchemaType.STRING),
                        @Schema(name = NamedEnums.CHANNEL, type = SchemaType.STRING),
                        @Schema(name = NamedEnums.ATTEMPT_TYPE, type = SchemaType.STRING),
                        @Schema(name = NamedEnums.PROBLEM_CODE, type = SchemaType.STRING),
                        @Schema(name = NamedEnums.GROUP_BY, type = SchemaType.STRING),
                        @Schema(name = NamedEnums.TIMELINE_EVENT_TYPE, type = SchemaType.STRING),
                        @Schema(name = NamedEnums.RULE_ACTION, type = SchemaType.STRING),
                        @Schema(name = NamedEnums.RULE_MODE, type = SchemaType.STRING)},
                securitySchemes = @SecurityScheme(securitySchemeName = OpenApiDoc.API_KEY,
                        type = SecuritySchemeType.HTTP, scheme = "bearer",
                        description = "The API key's secret as a bearer token: `Authorization: Bearer <key>`"),
                headers = @Header(name = OpenApiDoc.RETRY_AFTER, required = true,
                        description = "Seconds to wait before trying again",
                        schema = @Schema(type = SchemaType.INTEGER, format = "int64", minimum = "1", examples = "30")),
                responses = {
                        @APIResponse(name = OpenApiDoc.BAD_REQUEST, description = "`invalid_request`: a missing or "
                                + "malformed field, parameter or header (`detail` says which); `invalid_phone`: not "
                                + "a phone number", content = @Content(mediaType = OpenApiDoc.PROBLEM_JSON,
                                schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = OpenApiDoc.UNAUTHORIZED, description = "`unauthorized`: no API key, or "
                                + "an unknown one", headers = @Header(name = "WWW-Authenticate",
                                description = "`Bearer`", schema = @Schema(type = SchemaType.STRING)),
                                content = @Content(mediaType = OpenApiDoc.PROBLEM_JSON,
                                        schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = OpenApiDoc.FORBIDDEN, description = "`forbidden`: the API key lacks the "
                                + "role the operation needs; `destination_not_allowed` (start, resend): the number "
                                + "may not be called, `reason` and `rule` say why",
                                content = @Content(mediaType = OpenApiDoc.PROBLEM_JSON,
                                        schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = OpenApiDoc.NOT_FOUND, description = "`not_found`: no such verification "
                                + "for this API key (verifications are visible only to the key that started them, "
                                + "and kept for a while after they end); on start: the verification an "
                                + "`Idempotency-Key` seen before started is no longer kept",
                                content = @Content(mediaType = OpenApiDoc.PROBLEM_JSON,
                                        schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = OpenApiDoc.NOT_ACCEPTABLE, description = "`not_acceptable`: none of the "
                                + "media types in `Accept` can be served", content = @Content(
                                mediaType = OpenApiDoc.PROBLEM_JSON, schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = OpenApiDoc.CONFLICT, description = "The verification is no longer "
                                + "pending; `code` names its state: `already_approved`, `expired`, `canceled`, "
                                + "`max_attempts_reached` or `failed`", content = @Content(
                                mediaType = OpenApiDoc.PROBLEM_JSON, schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = OpenApiDoc.UNSUPPORTED_MEDIA_TYPE, description = "`unsupported_media_type`"
                                + ": the body is not `application/json`", content = @Content(
                                mediaType = OpenApiDoc.PROBLEM_JSON, schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = OpenApiDoc.IDEMPOTENCY_CONFLICT, description = "`idempotency_conflict`: "
                                + "this `Idempotency-Key` was already used for a different phone",
                                content = @Content(mediaType = OpenApiDoc.PROBLEM_JSON,
                                        schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = OpenApiDoc.RATE_LIMITED, description = "`rate_limited`: a limit was hit; "
                                + "`rule` names it, `Retry-After` says when it allows one more",
                                headers = @Header(name = OpenApiDoc.RETRY_AFTER, ref = OpenApiDoc.RETRY_AFTER),
                                content = @Content(mediaType = OpenApiDoc.PROBLEM_JSON,
                                        schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = OpenApiDoc.INTERNAL_ERROR, description = "`internal_error`: our fault, "
                                + "logged under `incident`", content = @Content(mediaType = OpenApiDoc.PROBLEM_JSON,
                                schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = OpenApiDoc.UNAVAILABLE, description = "`providers_unavailable` (start, "
                                + "resend): no provider could place a call; (recording) the provider keeping it cannot "
                                + "be reached; `storage_unavailable`: the verification store cannot be reached; "
                                + "`archive_unavailable` (recording of an archived call): the archive cannot be reached. "
                                + "Try again after `Retry-After`",
                                headers = @Header(name = OpenApiDoc.RETRY_AFTER, ref = OpenApiDoc.RETRY_AFTER),
                                content = @Content(mediaType = OpenApiDoc.PROBLEM_JSON,
                                        schema = @Schema(implementation = Problem.class))),
                        @APIResponse(name = OpenApiDoc.ARCHIVE_UNAVAILABLE, description = "`archive_unavailable`: "
                                + "the attempt archive cannot be reached (verifications are not affected, their "
                                + "records wait and are archived later). Try again after `Retry-After`",
                                headers = @Header(name = OpenApiDoc.RETRY_AFTER, ref = OpenApiDoc.RETRY_AFTER),
                                content = @Content(mediaType = OpenApiDoc.PROBLEM_JSON,
                                        schema = @Schema(implementation = Problem.class)))},
                parameters = {
                        @Parameter(name = OpenApiDoc.FROM, in = ParameterIn.QUERY, description = "Records at or "
                                + "after this instant (RFC 3339 with any offset form: `Z`, `+03:00`, `+0300`, `+03`; "
                                + "any fraction of a second)", schema = @Schema(type = SchemaType.STRING,
                                format = "date-time", examples = "2026-12-01T00:00:00Z")),
                        @Parameter(name = OpenApiDoc.TO, in = ParameterIn.QUERY, description = "Records before this "
                                + "instant (RFC 3339, any offset form); after `from`", schema = @Schema(
                                type = SchemaType.STRING,
                                format = "date-time", examples = "2026-12-02T00:00:00Z")),
                        @Parameter(name = OpenApiDoc.TYPE, in = ParameterIn.QUERY, description = "Records of this "
                                + "type (one of `AttemptType`'s values; another is 400 `invalid_request`)",
                                schema = @Schema(ref = NamedEnums.ATTEMPT_TYPE)),
                        @Parameter(name = OpenApiDoc.PHONE, in = ParameterIn.QUERY, description = "Records of this "
                                + "number, in any format (normalised to E.164)", schema = @Schema(
                                type = SchemaType.STRING, maxLength = 512, examples = "8 (916) 123-45-67")),
                        @Parameter(name = OpenApiDoc.IP, in = ParameterIn.QUERY, description = "Records of this end "
                                + "user IP", schema = @Schema(type = SchemaType.STRING, maxLength = 512,
                                examples = "203.0.113.7")),
                        @Parameter(name = OpenApiDoc.APP_ID, in = ParameterIn.QUERY, description = "Records of "
                                + "this `context.appId`", schema = @Schema(type = SchemaType.STRING, maxLength = 512)),
                        @Parameter(name = OpenApiDoc.DEVICE_ID, in = ParameterIn.QUERY, description = "Records of "
                                + "this `context.deviceId`", schema = @Schema(type = SchemaType.STRING,
                                maxLength = 512)),
                        @Parameter(name = OpenApiDoc.KEY_NAME, in = ParameterIn.QUERY, description = "Records of "
                                + "the API key of this name", schema = @Schema(type = SchemaType.STRING,
                                maxLength = 512)),
                        @Parameter(name = OpenApiDoc.PROVIDER, in = ParameterIn.QUERY, description = "Records of "
                                + "this provider", schema = @Schema(type = SchemaType.STRING, maxLength = 512,
                                examples = "callpass")),
                        @Parameter(name = OpenApiDoc.COUNTRY, in = ParameterIn.QUERY, description = "Records of "
                                + "numbers of this ISO region", schema = @Schema(type = SchemaType.STRING,
                                maxLength = 512, examples = "RU")),
                        @Parameter(name = OpenApiDoc.PREFIX, in = ParameterIn.QUERY, description = "Records of "
                                + "numbers whose first 8 digits (E.164 without +) are these",
                                schema = @Schema(type = SchemaType.STRING, maxLength = 512, examples = "79161234")),
                        @Parameter(name = OpenApiDoc.OUTCOME, in = ParameterIn.QUERY, description = "Records with "
                                + "this outcome (`check`: `valid`, `invalid`; `call_outcome`: `delivered`, "
                                + "`not_delivered`, `failed`)", schema = @Schema(type = SchemaType.STRING,
                                maxLength = 512)),
                        @Parameter(name = OpenApiDoc.VERIFICATION_ID, in = ParameterIn.QUERY, description = "Records "
                                + "of this verification", schema = @Schema(type = SchemaType.STRING,
                                maxLength = 512))}))
package io.callauth.openapi;

import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.servers.Server;
import org.eclipse.microprofile.openapi.annotations.servers.ServerVariable;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
