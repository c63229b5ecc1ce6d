package io.callauth.verification;

import io.callauth.attempts.AttemptType;
import io.callauth.provider.CallStatus;
import io.callauth.attempts.AttemptRecords;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A verification as stored in its Redis hash. Never holds the code; the hash holds only its HMAC, which this
 * record does not carry.
 */
public record Verification(
        String id, String apiKey, String phone, String region, VerificationStatus status, String channel,
        CallStatus callStatus, String provider, String callChannel, String callRef, String providerCallId,
        String tried, int codeLength, int checks, int maxChecks, int calls, int maxCalls,
        long createdAt, long expiresAt, long updatedAt, Long endedAt, ClientContext context) {

    /** the status as of {@code now}: a pending verification past its expiry is expired even before anyone wrote it */
    public VerificationStatus statusAt(long now) {
        return status == VerificationStatus.PENDING && now >= expiresAt ? VerificationStatus.EXPIRED : status;
    }

    /**
     * The attempt record of an event of this verification: who asked, the phone, the provider and channel of its
     * current call; the caller adds what the event knows (outcome, reason, another provider).
     */
    AttemptRecords.Builder record(AttemptType type, long at) {
        ClientContext c = context == null ? ClientContext.EMPTY : context;
        return AttemptRecords.at(at, type).verification(id).phone(phone, region).provider(provider)
                .channel(callChannel != null ? callChannel : channel).apiKey(apiKey)
                .client(c.ip(), c.userAgent(), c.appId(), c.deviceId());
    }

    /** this new verification with its first call reserved: the create script stores both at once */
    Verification withFirstCall(CallRef ref, String provider, String callChannel) {
        return new Verification(id, apiKey, phone, region, status, channel, CallStatus.QUEUED, provider, callChannel,
                ref.value(), null, provider, codeLength, checks, maxChecks, 1, maxCalls, createdAt, expiresAt,
                updatedAt, endedAt, context);
    }

    /** this verification as the script that recorded its placed call left it (no need to read it back) */
    Verification afterCall(VerificationStore.UpdateResult u, String callChannel, long now) {
        return new Verification(id, apiKey, phone, region, u.status(), channel,
                u.callStatus(), u.provider(), callChannel, callRef, providerCallId, u.tried(),
                codeLength, checks, maxChecks, u.calls(), u.maxCalls(), createdAt, expiresAt, now, endedAt, context);
    }

    public int attemptsLeft() {
        return Math.max(0, maxChecks - checks);
    }

    public int callsLeft() {
        return Math.max(0, maxCalls - calls);
    }

    Map<String, String> toHash() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("apiKey", apiKey);
        m.put("phone", phone);
        m.put("region", region == null ? "" : region);
        m.put("status", status.wire());
        m.put("channel", channel);
        m.put("callStatus", callStatus.wire());
        m.put("codeLength", Integer.toString(codeLength));
        m.put("checks", Integer.toString(checks));
        m.put("maxChecks", Integer.toString(maxChecks));
        m.put("calls", Integer.toString(calls));
        m.put("maxCalls", Integer.toString(maxCalls));
        m.put("createdAt", Long.toString(createdAt));
        m.put("expiresAt", Long.toString(expiresAt));
        m.put("updatedAt", Long.toString(updatedAt));
        putIf(m, "provider", provider);
        putIf(m, "callChannel", callChannel);
        putIf(m, "callRef", callRef);
        putIf(m, "tried", tried);
        if (context != null) {
            putIf(m, "ip", context.ip());
            putIf(m, "userAgent", context.userAgent());
            putIf(m, "appId", context.appId());
            putIf(m, "deviceId", context.deviceId());
        }
        return m;
    }

    static Verification fromHash(Map<String, String> h) {
        return new Verification(h.get("id"), h.get("apiKey"), h.get("phone"), emptyToNull(h.get("region")),
                VerificationStatus.fromWire(h.get("status")), h.get("channel"),
                CallStatus.fromWire(h.getOrDefault("callStatus", "queued")), emptyToNull(h.get("provider")),
                emptyToNull(h.get("callChannel")), emptyToNull(h.get("callRef")), emptyToNull(h.get("providerCallId")),
                h.getOrDefault("tried", ""),
                intOf(h, "codeLength"), intOf(h, "checks"), intOf(h, "maxChecks"), intOf(h, "calls"), intOf(h, "maxCalls"),
                longOf(h, "createdAt"), longOf(h, "expiresAt"), longOf(h, "updatedAt"),
                h.containsKey("endedAt") ? longOf(h, "endedAt") : null,
                new ClientContext(h.get("ip"), h.get("userAgent"), h.get("appId"), h.get("deviceId")));
    }

    private static void putIf(Map<String, String> m, String k, String v) {
        if (v != null && !v.isEmpty()) {
            m.put(k, v);
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static int intOf(Map<String, String> h, String k) {
        String v = h.get(k);
        return v == null || v.isEmpty() ? 0 : Integer.parseInt(v);
    }

    private static long longOf(Map<String, String> h, String k) {
        String v = h.get(k);
        return v == null || v.isEmpty() ? 0L : Long.parseLong(v);
    }
}
