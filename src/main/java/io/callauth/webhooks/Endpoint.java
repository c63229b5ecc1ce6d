package io.callauth.webhooks;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A registered webhook endpoint as it is stored (JSON in Redis). {@code apiKey} is the name of the key that owns it,
 * {@code fraud} whether that key had the fraud role when it registered it (its endpoint then gets every key's events
 * and the fraud events). {@code secrets}: sealed by {@link SecretBox}, the current one first; a rotated-out secret
 * stays beside it until its {@code until}.
 */
public record Endpoint(String id, String apiKey, boolean fraud, String url, List<String> events, String description,
                       Format format, boolean enabled, String disabledReason, Instant createdAt,
                       List<StoredSecret> secrets) {

    /** how long a rotated-out secret keeps signing beside the new one */
    public static final Duration ROTATION_OVERLAP = Duration.ofHours(24);

    /** a sealed secret; {@code until} null for the current one */
    public record StoredSecret(String sealed, Instant until) {
    }

    /** Whether an event of {@code type}, about a verification of {@code eventKey} (null: none), goes to this endpoint. */
    public boolean wants(EventType type, String eventKey) {
        if (type == EventType.WEBHOOK_TEST) {
            return false;
        }
        if (!fraud && (type.fraudOnly() || type.aboutAVerification() && !apiKey.equals(eventKey))) {
            return false;
        }
        return events.contains(EventType.ALL) || events.contains(type.wire());
    }

    /** the sealed secrets that sign at {@code now}: the current one first */
    public List<String> signingSecrets(Instant now) {
        return secrets.stream().filter(s -> s.until() == null || s.until().isAfter(now)).map(StoredSecret::sealed)
                .toList();
    }

    public Endpoint withSettings(String url, List<String> events, String description, boolean enabled,
                                 String disabledReason) {
        return new Endpoint(id, apiKey, fraud, url, events, description, format, enabled, disabledReason, createdAt,
                secrets);
    }

    public Endpoint disabled(String reason) {
        return withSettings(url, events, description, false, reason);
    }

    /** a new current secret; the old current one signs beside it until {@code now + 24 h}, older ones are dropped */
    public Endpoint rotated(String sealedNew, Instant now) {
        List<StoredSecret> next = new ArrayList<>();
        next.add(new StoredSecret(sealedNew, null));
        if (!secrets.isEmpty()) {
            next.add(new StoredSecret(secrets.get(0).sealed(), now.plus(ROTATION_OVERLAP)));
        }
        return new Endpoint(id, apiKey, fraud, url, events, description, format, enabled, disabledReason, createdAt,
                List.copyOf(next));
    }
}
