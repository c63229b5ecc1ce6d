package io.callauth.verification;

import java.util.Locale;

/** What a state-changing script answered about the verification it was asked to change (its first reply field). */
public enum ScriptResult {
    /** the change was made */
    OK,
    /** no such verification (or it expired out of Redis) */
    NOT_FOUND,
    /** the call named is no longer the verification's current call */
    STALE,
    /** the call's outcome was recorded already */
    DUPLICATE,
    /** the verification is no longer pending: nothing changed */
    STATE;

    static ScriptResult fromWire(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }

    public boolean ok() {
        return this == OK;
    }
}
