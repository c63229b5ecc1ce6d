package io.callauth.verification;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.callauth.openapi.NamedEnums;
import io.callauth.openapi.TimelineEvent;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A verification as the public API shows it. Never a code. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Verification", description = "A phone verification. Never shows the code.")
public record VerificationView(
        @Schema(required = true, description = "The verification's id",
                examples = "vf_4c1e0d6a9b2f47e3a1c5d8e7f6a5b4c3")
        String id,
        @Schema(required = true, ref = NamedEnums.VERIFICATION_STATUS, description = "`pending` until the code is "
                + "checked right (`approved`), the tries are used up (`max_attempts_reached`), the code's lifetime "
                + "ends (`expired`), it is canceled (`canceled`), or no provider could get a call through (`failed`)",
                examples = "pending")
        String status,
        @Schema(required = true, description = "The number called, in E.164", examples = "+79161234567")
        String phone,
        @Schema(required = true, ref = NamedEnums.CHANNEL, description = "How the code reaches the user: "
                + "`flashcall` (the code is the last digits of the calling number) or `voice` (spoken); `auto` until a "
                + "call was placed", examples = "flashcall")
        String channel,
        @Schema(required = true, ref = NamedEnums.CALL_STATUS, description = "The current call: `queued` (not "
                + "placed yet), `calling`, `delivered` (the number was shown), `not_delivered` or `failed` (the next "
                + "provider calls, while calls are left)", examples = "calling")
        String callStatus,
        @Schema(description = "The provider of the current call; absent before one was placed", examples = "callpass")
        String provider,
        @Schema(required = true, description = "How many digits the code has", examples = "4")
        int codeLength,
        @Schema(required = true, description = "Checks left", examples = "5")
        int attemptsLeft,
        @Schema(required = true, description = "Calls left (fallbacks and resends)", examples = "2")
        int callsLeft,
        @Schema(required = true, description = "When it was started")
        Instant createdAt,
        @Schema(required = true, description = "When the code stops passing")
        Instant expiresAt,
        @Schema(description = "What happened so far, oldest first; only in the answer of `getVerification`",
                type = SchemaType.ARRAY, implementation = TimelineEvent.class)
        List<Map<String, Object>> events) {

    static VerificationView of(Verification v, long now, List<Map<String, Object>> events) {
        return new VerificationView(v.id(), v.statusAt(now).wire(), v.phone(),
                v.callChannel() != null ? v.callChannel() : v.channel(), v.callStatus().wire(), v.provider(),
                v.codeLength(), v.attemptsLeft(), v.callsLeft(), Instant.ofEpochMilli(v.createdAt()),
                Instant.ofEpochMilli(v.expiresAt()), events == null ? null : events.stream().map(VerificationView::event).toList());
    }

    private static Map<String, Object> event(Map<String, Object> e) {
        Map<String, Object> m = new java.util.LinkedHashMap<>(e);
        if (m.get("at") instanceof Number n) {
            m.put("at", Instant.ofEpochMilli(n.longValue()).toString());
        }
        return m;
    }
}
