package io.callauth.verification;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.callauth.common.HmacSha256;

import java.util.Optional;

/**
 * Codes are stored only as HMAC-SHA256(code-secret, verificationId ":" code): a Redis dump shows neither the code
 * nor, for 4 digits, anything a brute force over 10^4 candidates can use without the secret.
 */
@ApplicationScoped
public class CodeHasher {

    private final HmacSha256 hmac;

    public CodeHasher(@ConfigProperty(name = "callauth.code-secret") Optional<String> secret) {
        this.hmac = HmacSha256.fromSecret(secret);
    }

    public String mac(String verificationId, String code) {
        return hmac.hex(verificationId + ":" + code);
    }
}
