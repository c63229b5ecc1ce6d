package io.callauth.common;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * HMAC-SHA256 under one key, as lowercase hex. Each thread keeps its own initialised {@link Mac} ({@code doFinal}
 * resets it to the key): {@code Mac.getInstance} and {@code init} on every code and caller ID were a visible part of a
 * start's CPU.
 */
public final class HmacSha256 {

    private final ThreadLocal<Mac> macs;

    private HmacSha256(byte[] key) {
        SecretKeySpec spec = new SecretKeySpec(key, "HmacSHA256");
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(spec);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * Keyed by {@code callauth.code-secret}; a missing secret is reported by the startup check with the property's
     * name, and a random key keeps dev and tests going.
     */
    public static HmacSha256 fromSecret(Optional<String> secret) {
        return new HmacSha256(secret.filter(s -> !s.isBlank()).map(s -> s.getBytes(StandardCharsets.UTF_8))
                .orElseGet(() -> Ids.random("", 32).getBytes(StandardCharsets.UTF_8)));
    }

    public String hex(String message) {
        return HexFormat.of().formatHex(macs.get().doFinal(message.getBytes(StandardCharsets.UTF_8)));
    }
}
