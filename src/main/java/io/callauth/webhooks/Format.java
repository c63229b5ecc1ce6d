package io.callauth.webhooks;

import java.util.Locale;
import java.util.Optional;

/** How an endpoint gets its events: one per request, or (a SIEM) arrays of up to {@code batch-max} per request. */
public enum Format {
    SINGLE,
    BATCH;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @com.fasterxml.jackson.annotation.JsonValue
    public String json() {
        return wire();
    }

    @com.fasterxml.jackson.annotation.JsonCreator
    public static Format of(String s) {
        return parse(s).orElseThrow(() -> new IllegalArgumentException("not a format: " + s));
    }

    public static Optional<Format> parse(String s) {
        for (Format f : values()) {
            if (f.wire().equals(s)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
