package io.callauth.openapi;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

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

        @Schema(required = true, ref = NamedEnums.TIMELINE_EVENT_TYPE, description = "What happened "
                + "(`TimelineEventType`: an open set, new types may be added)", examples = "call_placed")
        String type,

        @Schema(ref = NamedEnums.CHANNEL, description = "`started`: the channel asked for; `call_placed`: the "
                + "channel of the call", examples = "flashcall")
        String channel,

        @Schema(description = "`call_placed`, `call_failed`: the provider", examples = "callpass")
        String provider,

        @Schema(description = "`call_failed`: why the provider did not place the call (`refused`, `error`, "
                + "`timeout`, `circuit_open`, `unavailable`); `failed`: why the verification failed, in words",
                examples = "refused")
        String reason,

        @Schema(ref = NamedEnums.CALL_STATUS, description = "`call_outcome`: how the call ended: `delivered`, "
                + "`not_delivered` or `failed`", examples = "delivered")
        String outcome,

        @Schema(description = "`call_outcome`: the provider's own word for it", examples = "NO_ANSWER")
        String detail,

        @Schema(description = "`check`: whether the code was right", examples = "true")
        Boolean valid) {

    /** the types of this version and what each carries: the {@code TimelineEventType} schema (see NamedEnums) */
    public static final Map<String, String> TYPES = types();

    private static Map<String, String> types() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("started", "the verification was created (`channel`: the channel asked for)");
        m.put("call_placed", "a provider placed a call (`provider`, `channel`)");
        m.put("call_failed", "a provider could not place the call (`provider`, `reason`)");
        m.put("call_outcome", "a placed call ended (`outcome`, `detail`)");
        m.put("check", "a code was checked (`valid`)");
        m.put("approved", "the verification ended so");
        m.put("max_attempts_reached", "the verification ended so");
        m.put("expired", "the verification ended so");
        m.put("canceled", "the verification ended so");
        m.put("failed", "the verification ended so (`reason`)");
        m.put("unreadable", "an entry that could not be read back");
        return java.util.Collections.unmodifiableMap(m);
    }
}
