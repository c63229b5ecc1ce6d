package io.callauth.rules;

import java.time.Instant;
import java.util.Map;

/**
 * One of the fraud team's runtime rules: a {@code block} refuses a start that matches, an {@code allow} safe-lists
 * it against the geo permissions and the prefix limit. {@code match} has exactly one field: {@code phone} (E.164),
 * {@code prefix} (E.164 digits), {@code country} (ISO region), {@code ip} (an address or CIDR), {@code appId} or
 * {@code deviceId}. A {@code monitor} rule only logs and counts. {@code hits}: how many starts it matched (all
 * replicas), filled in when listed.
 */
public record Rule(String id, String action, Map<String, String> match, String mode, String reason,
                   Instant expiresAt, Instant createdAt, String createdBy, Long hits) {

    public static final String BLOCK = "block";
    public static final String ALLOW = "allow";
    public static final String ENFORCE = "enforce";
    public static final String MONITOR = "monitor";

    public boolean expiredAt(long nowMillis) {
        return expiresAt != null && expiresAt.toEpochMilli() <= nowMillis;
    }

    public boolean enforced() {
        return ENFORCE.equals(mode);
    }

    public boolean blocks() {
        return BLOCK.equals(action);
    }

    /** the single match field's name */
    public String field() {
        return match.keySet().iterator().next();
    }

    public String value() {
        return match.values().iterator().next();
    }

    public Rule withHits(long n) {
        return new Rule(id, action, match, mode, reason, expiresAt, createdAt, createdBy, n);
    }

    public Rule withoutHits() {
        return new Rule(id, action, match, mode, reason, expiresAt, createdAt, createdBy, null);
    }
}
