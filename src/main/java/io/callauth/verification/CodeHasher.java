package io.callauth.verification;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Codes are stored only as HMAC-SHA256(code-secret, verificationId ":" code): a Redis dump shows neither the code
 * nor, for 4 digits, anything a brute force over 10^4 candidates can use without the secret.
 */
@ApplicationScoped
public class CodeHasher {

    private final SecretKeySpec key;

    public CodeHasher(@ConfigProperty(name = "callauth.code-secret") Optional<String> secret) {
        // a missing secret is reported by the startup check with the property's name; a random one keeps dev/test going
        byte[] k = secret.filter(s -> !s.isBlank()).map(s -> s.getBytes(StandardCharsets.UTF_8))
                .orElseGet(() -> io.callauth.common.Ids.random("", 32).getBytes(StandardCharsets.UTF_8));
        this.key = new SecretKeySpec(k, "HmacSHA256");
    }

    public String mac(String verificationId, String code) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal((verificationId + ":" + code).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
