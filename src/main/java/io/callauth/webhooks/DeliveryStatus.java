package io.callauth.webhooks;

import java.util.Locale;
import java.util.Optional;

/** Where an event stands for one endpoint. */
public enum DeliveryStatus {
    /** an endpoint answered 2xx */
    DELIVERED,
    /** not delivered yet: a try is due (the first, or another after a failed one) */
    PENDING,
    /** no try left (or the endpoint answered 410) */
    FAILED;

    @com.fasterxml.jackson.annotation.JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<DeliveryStatus> parse(String s) {
        for (DeliveryStatus d : values()) {
            if (d.wire().equals(s)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
