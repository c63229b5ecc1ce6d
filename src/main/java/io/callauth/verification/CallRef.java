package io.callauth.verification;

import io.callauth.common.Ids;

import java.util.Optional;

/**
 * Our reference of one call: the verification's id, a dot, and a random suffix. Providers carry it as their client
 * reference and hand it back with outcomes, so an outcome finds its verification without a lookup.
 */
public record CallRef(String value) {

    /** a new reference for a call of verification {@code verificationId} */
    static CallRef next(String verificationId) {
        return new CallRef(verificationId + "." + Ids.random("", 3));
    }

    /** the reference a provider handed back, when it has the shape of ours */
    static Optional<CallRef> parse(String value) {
        int dot = value == null ? -1 : value.lastIndexOf('.');
        return dot <= 0 || dot == value.length() - 1 ? Optional.empty() : Optional.of(new CallRef(value));
    }

    public String verificationId() {
        return value.substring(0, value.lastIndexOf('.'));
    }

    @Override
    public String toString() {
        return value;
    }
}
