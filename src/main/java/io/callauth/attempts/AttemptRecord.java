package io.callauth.attempts;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One event of the attempt log. Never a code. {@code phone} is E.164 (the fraud team searches by it; the log is
 * served only to the fraud role), {@code prefix} its first 8 digits.
 * <p>
 * Call records ({@code call_placed}, {@code call_failed}, {@code call_outcome}, {@code call_record}) also carry the
 * call: {@code callRef}, the provider's {@code providerCallId} (never a calling number), the masked {@code callerId}
 * and {@code callRecord}, the provider's own record of the call as JSON (Yunhu's CDR). They feed the archive's
 * {@code attempt_calls} rows (see {@code CallArchive}).
 * <p>
 * {@code detail} is a JSON object of figures particular to a record's type, archived and served as they are: an
 * auto-block's evidence, a routing decision's reason. Never a code.
 */
public record AttemptRecord(long at, String type, String verificationId, String phone, String country, String prefix,
                            String provider, String channel, String outcome, String reason, String rule, String apiKey,
                            String ip, String userAgent, String appId, String deviceId,
                            String callRef, String providerCallId, String callerId, String callRecord,
                            String detail) {

    /** a record without {@code detail} */
    public AttemptRecord(long at, String type, String verificationId, String phone, String country, String prefix,
                         String provider, String channel, String outcome, String reason, String rule, String apiKey,
                         String ip, String userAgent, String appId, String deviceId,
                         String callRef, String providerCallId, String callerId, String callRecord) {
        this(at, type, verificationId, phone, country, prefix, provider, channel, outcome, reason, rule, apiKey, ip,
                userAgent, appId, deviceId, callRef, providerCallId, callerId, callRecord, null);
    }

    /** a record that is not about one call */
    public AttemptRecord(long at, String type, String verificationId, String phone, String country, String prefix,
                         String provider, String channel, String outcome, String reason, String rule, String apiKey,
                         String ip, String userAgent, String appId, String deviceId) {
        this(at, type, verificationId, phone, country, prefix, provider, channel, outcome, reason, rule, apiKey, ip,
                userAgent, appId, deviceId, null, null, null, null);
    }

    public Map<String, String> fields() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("at", Long.toString(at));
        m.put("type", type);
        put(m, "verificationId", verificationId);
        put(m, "phone", phone);
        put(m, "country", country);
        put(m, "prefix", prefix);
        put(m, "provider", provider);
        put(m, "channel", channel);
        put(m, "outcome", outcome);
        put(m, "reason", reason);
        put(m, "rule", rule);
        put(m, "apiKey", apiKey);
        put(m, "ip", ip);
        put(m, "userAgent", userAgent);
        put(m, "appId", appId);
        put(m, "deviceId", deviceId);
        put(m, "callRef", callRef);
        put(m, "providerCallId", providerCallId);
        put(m, "callerId", callerId);
        put(m, "callRecord", callRecord);
        put(m, "detail", detail);
        return m;
    }

    public static AttemptRecord fromFields(Map<String, String> f) {
        return new AttemptRecord(Long.parseLong(f.getOrDefault("at", "0")), f.get("type"), f.get("verificationId"),
                f.get("phone"), f.get("country"), f.get("prefix"), f.get("provider"), f.get("channel"), f.get("outcome"),
                f.get("reason"), f.get("rule"), f.get("apiKey"), f.get("ip"), f.get("userAgent"), f.get("appId"),
                f.get("deviceId"), f.get("callRef"), f.get("providerCallId"), f.get("callerId"), f.get("callRecord"),
                f.get("detail"));
    }

    private static void put(Map<String, String> m, String k, String v) {
        if (v != null && !v.isEmpty()) {
            m.put(k, v);
        }
    }

    /** a copy with one field (as {@link #fields()} names it) set, or removed when {@code value} is null */
    public AttemptRecord with(String field, String value) {
        Map<String, String> m = new LinkedHashMap<>(fields());
        if (value == null) {
            m.remove(field);
        } else {
            m.put(field, value);
        }
        return fromFields(m);
    }

    public AttemptRecord withOutcome(String outcome) {
        return with("outcome", outcome);
    }

    public AttemptRecord withType(AttemptType type) {
        return with("type", type.wire());
    }

    public AttemptRecord withProvider(String provider) {
        return with("provider", provider);
    }

    public AttemptRecord withChannel(String channel) {
        return with("channel", channel);
    }

    public AttemptRecord withReason(String reason) {
        return with("reason", reason);
    }

    /** a copy about one call: our reference, the provider's id (null when it has none) and the masked caller ID */
    public AttemptRecord withCall(String callRef, String providerCallId, String callerId) {
        return with("callRef", callRef).with("providerCallId", providerCallId).with("callerId", callerId);
    }
}
