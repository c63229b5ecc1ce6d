package io.callauth.common;

import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;

/**
 * {@code callauth.code-secret}, read once: the key of every HMAC callauth keeps instead of a secret value (stored
 * codes, caller IDs kept as digests). Required outside dev and test, at least {@value #MIN_LENGTH} characters; the
 * startup check names it when it is missing or short.
 */
@Singleton
public class CodeSecret {

    public static final String PROPERTY = "callauth.code-secret";
    static final int MIN_LENGTH = 32;

    private final Optional<String> value;

    public CodeSecret(@ConfigProperty(name = PROPERTY) Optional<String> value) {
        this.value = value.filter(v -> !v.isBlank());
    }

    /** an HMAC-SHA256 keyed with the secret */
    public HmacSha256 hmac() {
        return HmacSha256.fromSecret(value);
    }

    /** what is wrong with the setting, or empty */
    public Optional<String> problem() {
        if (value.isEmpty()) {
            return Optional.of(PROPERTY + " (CALLAUTH_CODE_SECRET) is required: the HMAC key of stored codes, "
                    + "at least " + MIN_LENGTH + " random characters");
        }
        if (value.get().length() < MIN_LENGTH) {
            return Optional.of(PROPERTY + " (CALLAUTH_CODE_SECRET) must be at least " + MIN_LENGTH + " characters");
        }
        return Optional.empty();
    }
}
