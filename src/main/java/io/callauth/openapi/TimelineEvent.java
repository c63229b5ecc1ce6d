package io.callauth.openapi;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;

/**
 * One entry of a verification's event timeline ({@code events} of {@code GET /v1/verifications/{id}}), as the
 * published OpenAPI document shows it. Documentation only: the timeline is stored and served as the JSON objects
 * VerificationService and the Lua scripts write ({@code event(...)} calls, {@code cjson.encode({...})}); keep both
 * in step. Which members an entry carries depends on its {@code type}.
 */
@Schema(name = "TimelineEvent", description = "Something that happened to a verification. Members besides `at` and "
        + "`type` depend on the type.")
public record TimelineEvent(
        @Schema(required = true, description = "When it happened", examples = "2026-12-01T05:20:03.512Z")
        Instant at,

        @Schema(required = true, description = """
                * `started`: the verification was created (`channel`: the channel asked for)
                * `call_placed`: a provider placed a call (`provider`, `channel`)
                * `call_failed`: a provider could not place the call (`provider`, `reason`)
                * `call_outcome`: a placed call ended (`outcome`, `detail`)
                * `check`: a code was checked (`valid`)
                * `approved`, `max_attempts_reached`, `expired`, `canceled`, `failed`: the verification ended so \
                (`failed`: `reason`)
                * `unreadable`: an entry that could not be read back""",
                enumeration = {"started", "call_placed", "call_failed", "call_outcome", "check", "approved",
                        "max_attempts_reached", "expired", "canceled", "failed", "unreadable"},
                examples = "call_placed")
        String type,

        @Schema(description = "`started`: the channel asked for; `call_placed`: the channel of the call",
                enumeration = {"auto", "flashcall", "voice"}, examples = "flashcall")
        String channel,

        @Schema(description = "`call_placed`, `call_failed`: the provider", examples = "callpass")
        String provider,

        @Schema(description = "`call_failed`: why the provider did not place the call (`refused`, `error`, "
                + "`timeout`, `circuit_open`, `unavailable`); `failed`: why the verification failed, in words",
                examples = "refused")
        String reason,

        @Schema(description = "`call_outcome`: how the call ended", enumeration = {"delivered", "not_delivered",
                "failed"}, examples = "delivered")
        String outcome,

        @Schema(description = "`call_outcome`: the provider's own word for it", examples = "NO_ANSWER")
        String detail,

        @Schema(description = "`check`: whether the code was right", examples = "true")
        Boolean valid) {
}
