package io.callauth.verification;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A verification as the public API shows it. Never a code. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VerificationView(String id, String status, String phone, String channel, String callStatus,
                               String provider, int codeLength, int attemptsLeft, int callsLeft, Instant createdAt,
                               Instant expiresAt, List<Map<String, Object>> events) {

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
