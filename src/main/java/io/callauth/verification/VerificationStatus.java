package io.callauth.verification;

import java.util.Locale;

public enum VerificationStatus {
    PENDING, APPROVED, CANCELED, EXPIRED, MAX_ATTEMPTS_REACHED, FAILED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static VerificationStatus fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }

    /** the problem code of a request that needs a pending verification and found this state */
    public String conflictCode() {
        return this == APPROVED ? "already_approved" : wire();
    }
}
