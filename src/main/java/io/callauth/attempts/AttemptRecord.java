package io.callauth.attempts;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One event of the attempt log. Never a code. {@code phone} is E.164 (the fraud team searches by it; the log is
 * served only to the fraud role), {@code prefix} its first 8 digits.
 */
public record AttemptRecord(long at, String type, String verificationId, String phone, String country, String prefix,
                            String provider, String channel, String outcome, String reason, String rule, String apiKey,
                            String ip, String userAgent, String appId, String deviceId) {

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
        return m;
    }

    public static AttemptRecord fromFields(Map<String, String> f) {
        return new AttemptRecord(Long.parseLong(f.getOrDefault("at", "0")), f.get("type"), f.get("verificationId"),
                f.get("phone"), f.get("country"), f.get("prefix"), f.get("provider"), f.get("channel"), f.get("outcome"),
                f.get("reason"), f.get("rule"), f.get("apiKey"), f.get("ip"), f.get("userAgent"), f.get("appId"),
                f.get("deviceId"));
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

    public AttemptRecord withType(String type) {
        return with("type", type);
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
}
