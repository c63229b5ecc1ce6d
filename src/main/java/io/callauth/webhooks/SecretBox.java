package io.callauth.webhooks;

import io.callauth.common.CodeSecret;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * Endpoint secrets as they are kept in Redis: encrypted, so that a Redis dump or a replica of it alone does not give
 * anyone the keys that sign our webhooks. AES-256-GCM with a random 12-byte nonce per seal; the key is HKDF-SHA256
 * (RFC 5869, no salt) of {@code callauth.webhooks.secret-key} when set, else of {@code callauth.code-secret}, with the
 * info {@value #INFO}. A sealed secret is {@code v1:} + base64(nonce || ciphertext and tag); the version names the
 * scheme and key derivation, so that another one can be read beside it later.
 */
@ApplicationScoped
public class SecretBox {

    /**
     * secrets opened before, by their sealed text: every try of an endpoint signs with its secrets, and a Cipher per try
     * cost more than the signature. In memory only (as the code secret is); a rotated secret has a new sealed text
     */
    private final java.util.Map<String, String> opened = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int OPENED_MAX = 10_000;

    static final String VERSION = "v1:";
    static final String INFO = "callauth webhooks secret v1";
    static final int NONCE_BYTES = 12;
    static final int TAG_BITS = 128;
    static final int MIN_KEY_LENGTH = 32;
    private static final String AES_GCM = "AES/GCM/NoPadding";
    private static final String HMAC = "HmacSHA256";

    private final SecureRandom random = new SecureRandom();
    private final SecretKeySpec key;

    @Inject
    public SecretBox(WebhooksConfig config, @ConfigProperty(name = CodeSecret.PROPERTY) Optional<String> codeSecret) {
        this(config.secretKey().filter(s -> !s.isBlank()).or(() -> codeSecret.filter(s -> !s.isBlank())));
    }

    /**
     * Keyed by the given server secret; none (the startup check reports a missing code secret outside dev and test)
     * is a random key, good for this process only.
     */
    SecretBox(Optional<String> serverSecret) {
        byte[] ikm = serverSecret.map(s -> s.getBytes(StandardCharsets.UTF_8)).orElseGet(() -> {
            byte[] r = new byte[32];
            random.nextBytes(r);
            return r;
        });
        this.key = new SecretKeySpec(hkdfSha256(null, ikm, INFO.getBytes(StandardCharsets.UTF_8), 32), "AES");
    }

    /**
     * What is wrong with {@code callauth.webhooks.secret-key}, or empty: when set, at least {@value #MIN_KEY_LENGTH}
     * characters (for the startup report; unset, the code secret's own check applies).
     */
    public static Optional<String> problem(WebhooksConfig config) {
        return config.secretKey().filter(k -> k.length() < MIN_KEY_LENGTH).map(k -> "callauth.webhooks.secret-key "
                + "(CALLAUTH_WEBHOOKS_SECRET_KEY) must be at least " + MIN_KEY_LENGTH + " characters");
    }

    /** encrypts an endpoint secret for storage: {@code v1:} + base64(nonce || ciphertext || tag) */
    public String seal(String secret) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance(AES_GCM);
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return VERSION + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /**
     * The secret a {@link #seal} made.
     *
     * @throws IllegalArgumentException when the text is not a sealed secret, was changed, or was sealed under
     *                                  another key (the code secret or {@code callauth.webhooks.secret-key} changed)
     */
    public String open(String sealed) {
        if (sealed == null) {
            throw new IllegalArgumentException("not a sealed webhook secret (" + VERSION + "…)");
        }
        String known = opened.get(sealed);
        if (known != null) {
            return known;
        }
        String secret = decrypt(sealed);
        if (opened.size() >= OPENED_MAX) {
            opened.clear();
        }
        opened.put(sealed, secret);
        return secret;
    }

    private String decrypt(String sealed) {
        if (!sealed.startsWith(VERSION)) {
            throw new IllegalArgumentException("not a sealed webhook secret (" + VERSION + "…)");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(sealed.substring(VERSION.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a sealed webhook secret that is not base64", e);
        }
        if (raw.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new IllegalArgumentException("a sealed webhook secret too short to be one");
        }
        try {
            Cipher cipher = Cipher.getInstance(AES_GCM);
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, raw, 0, NONCE_BYTES));
            return new String(cipher.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new IllegalArgumentException("a sealed webhook secret that was changed or sealed under another key "
                    + "(callauth.webhooks.secret-key or callauth.code-secret changed?)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** HKDF-SHA256 (RFC 5869): extract with {@code salt} (none: 32 zero bytes), then expand to {@code length} bytes */
    static byte[] hkdfSha256(byte[] salt, byte[] ikm, byte[] info, int length) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(salt == null || salt.length == 0 ? new byte[32] : salt, HMAC));
            byte[] prk = mac.doFinal(ikm);
            mac.init(new SecretKeySpec(prk, HMAC));
            byte[] okm = new byte[length];
            byte[] block = new byte[0];
            int filled = 0;
            for (int i = 1; filled < length; i++) {
                mac.update(block);
                mac.update(info);
                mac.update((byte) i);
                block = mac.doFinal();
                int n = Math.min(block.length, length - filled);
                System.arraycopy(block, 0, okm, filled, n);
                filled += n;
            }
            Arrays.fill(prk, (byte) 0);
            return okm;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
