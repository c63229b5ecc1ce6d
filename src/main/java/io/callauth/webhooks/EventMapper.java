package io.callauth.webhooks;

import io.callauth.attempts.Attempt;
import io.callauth.attempts.AttemptRecord;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a record of the attempt log into the event it is (if any), from the record alone, so that the job that follows
 * the stream and a replay from the archive make the same event with the same id ({@link Event#idOf} of the record's
 * stream id). {@code data} never has a code or a caller ID's digits.
 * <p>
 * The records carry no verification state: {@code status} and {@code callStatus} are what the record's type says
 * exactly (a call that failed: {@code callStatus} {@code failed} or the outcome it reported; a verification that
 * ended: its status), absent where the type does not say; {@code attemptsLeft} is known only at the start (every
 * check is left). {@code nextProvider} of a failed call is the provider of the {@code fallback} record that follows it
 * (the caller looks it up).
 */
@ApplicationScoped
public class EventMapper {

    /** the attempt record types that make an event, one line per type (a {@code call_outcome} only when not delivered) */
    static final Map<String, EventType> BY_RECORD_TYPE = Map.ofEntries(
            Map.entry("started", EventType.VERIFICATION_STARTED),
            Map.entry("call_placed", EventType.VERIFICATION_CALL_PLACED),
            Map.entry("call_failed", EventType.VERIFICATION_CALL_FAILED),
            Map.entry("call_outcome", EventType.VERIFICATION_CALL_FAILED),
            Map.entry("approved", EventType.VERIFICATION_APPROVED),
            Map.entry("failed", EventType.VERIFICATION_FAILED),
            Map.entry("expired", EventType.VERIFICATION_EXPIRED),
            Map.entry("canceled", EventType.VERIFICATION_CANCELED),
            Map.entry("refused", EventType.ATTEMPT_REFUSED),
            Map.entry("auto_block", EventType.FRAUD_AUTO_BLOCK),
            Map.entry("auto_block_released", EventType.FRAUD_AUTO_BLOCK_RELEASED));

    private static final String DELIVERED = "delivered";
    private static final String FALLBACK = "fallback";

    private final int maxChecks;

    public EventMapper(@ConfigProperty(name = "callauth.verification.max-checks", defaultValue = "5") int maxChecks) {
        this.maxChecks = maxChecks;
    }

    /** whether a record of this type is a failed call, whose event names the provider that takes over */
    static boolean isFailedCall(AttemptRecord r) {
        return "call_failed".equals(r.type()) || "call_outcome".equals(r.type()) && !DELIVERED.equals(r.outcome());
    }

    /** whether {@code r} is the record that names the provider taking over after a failed call */
    static boolean isFallback(AttemptRecord r) {
        return FALLBACK.equals(r.type());
    }

    /** the event of a record ({@code sourceId}: its stream id), or empty when the record makes none */
    public Optional<Event> map(String sourceId, AttemptRecord r, Optional<String> nextProvider) {
        EventType type = BY_RECORD_TYPE.get(r.type());
        if (type == null || "call_outcome".equals(r.type()) && DELIVERED.equals(r.outcome())) {
            return Optional.empty();
        }
        Instant at = Instant.ofEpochMilli(r.at());
        Map<String, Object> data = type.aboutAVerification() ? verificationData(type, r, at, nextProvider)
                : fraudData(r, at);
        return Optional.of(new Event(Event.idOf(sourceId), type, at, data,
                type.aboutAVerification() ? r.apiKey() : null));
    }

    private Map<String, Object> verificationData(EventType type, AttemptRecord r, Instant at,
                                                 Optional<String> nextProvider) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("verificationId", r.verificationId());
        d.put("status", switch (type) {
            case VERIFICATION_APPROVED -> "approved";
            case VERIFICATION_FAILED -> "failed";
            case VERIFICATION_EXPIRED -> "expired";
            case VERIFICATION_CANCELED -> "canceled";
            default -> "pending";
        });
        d.put("callStatus", switch (type) {
            case VERIFICATION_STARTED -> "queued";
            case VERIFICATION_CALL_PLACED -> "calling";
            case VERIFICATION_CALL_FAILED -> "call_outcome".equals(r.type()) && r.outcome() != null ? r.outcome()
                    : "failed";
            case VERIFICATION_APPROVED -> DELIVERED;
            default -> null;
        });
        d.put("provider", r.provider());
        d.put("channel", r.channel());
        d.put("phone", r.phone());
        d.put("appId", r.appId());
        d.put("attemptsLeft", type == EventType.VERIFICATION_STARTED ? maxChecks : null);
        if (type == EventType.VERIFICATION_CALL_FAILED) {
            d.put("reason", r.reason());
            nextProvider.ifPresent(p -> d.put("nextProvider", p));
        }
        d.put("at", at);
        return d;
    }

    /** a fraud event's data: who and what, for the fraud team's tools (never a code or caller ID) */
    private static Map<String, Object> fraudData(AttemptRecord r, Instant at) {
        Map<String, Object> d = new LinkedHashMap<>();
        put(d, "verificationId", r.verificationId());
        put(d, "phone", r.phone());
        put(d, "country", r.country());
        put(d, "prefix", r.prefix());
        put(d, "reason", r.reason());
        put(d, "rule", r.rule());
        put(d, "outcome", r.outcome());
        put(d, "apiKey", r.apiKey());
        put(d, "ip", r.ip());
        put(d, "appId", r.appId());
        put(d, "deviceId", r.deviceId());
        if (r.detail() != null && !r.detail().isBlank()) {
            // an auto-block's dimension, value and evidence in figures, as the attempt log serves them
            d.put("detail", Attempt.json(r.detail()));
        }
        d.put("at", at);
        return d;
    }

    private static void put(Map<String, Object> m, String k, String v) {
        if (v != null && !v.isEmpty()) {
            m.put(k, v);
        }
    }
}
