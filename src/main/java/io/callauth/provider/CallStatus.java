package io.callauth.provider;

import java.util.Locale;

/** Our view of one call, whatever the provider calls it. */
public enum CallStatus {
    QUEUED, CALLING, DELIVERED, NOT_DELIVERED, FAILED;

    public boolean isFinal() {
        return this == DELIVERED || this == NOT_DELIVERED || this == FAILED;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CallStatus fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
