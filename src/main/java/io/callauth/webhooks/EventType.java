package io.callauth.webhooks;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The events a webhook endpoint may subscribe to, with their wire names. The verification events go to the endpoints
 * of the key that started the verification and to every fraud key's endpoints; the others ({@link #fraudOnly()}) only
 * to fraud keys' endpoints: a verify key that lists one is refused (400 {@code event_not_allowed}).
 */
public enum EventType {
    VERIFICATION_STARTED("verification.started", false),
    VERIFICATION_CALL_PLACED("verification.call_placed", false),
    VERIFICATION_CALL_FAILED("verification.call_failed", false),
    VERIFICATION_APPROVED("verification.approved", false),
    VERIFICATION_FAILED("verification.failed", false),
    VERIFICATION_EXPIRED("verification.expired", false),
    VERIFICATION_CANCELED("verification.canceled", false),
    ATTEMPT_REFUSED("attempt.refused", true),
    RULE_CREATED("rule.created", true),
    RULE_DELETED("rule.deleted", true),
    FRAUD_ALERT("fraud.alert", true),
    FRAUD_AUTO_BLOCK("fraud.auto_block", true),
    FRAUD_AUTO_BLOCK_RELEASED("fraud.auto_block_released", true),
    WEBHOOK_DISABLED("webhook.disabled", true),
    /** sent only by {@code POST /v1/webhooks/{id}/test}, to that endpoint, whatever it subscribes to */
    WEBHOOK_TEST("webhook.test", false);

    /** what an endpoint subscribes to with {@code ["*"]}: every type its key may receive */
    public static final String ALL = "*";

    private final String wire;
    private final boolean fraudOnly;

    EventType(String wire, boolean fraudOnly) {
        this.wire = wire;
        this.fraudOnly = fraudOnly;
    }

    public String wire() {
        return wire;
    }

    /** only fraud keys' endpoints may subscribe to it and receive it */
    public boolean fraudOnly() {
        return fraudOnly;
    }

    /** a verification's event: its data is about one verification, and it goes to the key that started it */
    public boolean aboutAVerification() {
        return wire.startsWith("verification.");
    }

    public static Optional<EventType> parse(String s) {
        return Arrays.stream(values()).filter(t -> t.wire.equals(s)).findFirst();
    }

    /** the types an endpoint may name in {@code events} (all but the test event, which every endpoint gets on ask) */
    public static List<String> subscribable() {
        return Arrays.stream(values()).filter(t -> t != WEBHOOK_TEST).map(EventType::wire).toList();
    }
}
