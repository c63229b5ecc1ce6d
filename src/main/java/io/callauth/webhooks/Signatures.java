package io.callauth.webhooks;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * Webhook signatures as Standard Webhooks (standardwebhooks.com) has them, so that a receiver's own library verifies
 * ours: the secret is {@code whsec_} + base64 of random bytes, and the key is those bytes (not the text); the
 * {@code webhook-signature} header is {@code v1,} + base64 of HMAC-SHA256 over {@code id.timestamp.body}, one per
 * secret, space separated (two during a secret's rotation).
 */
public final class Signatures {

    public static final String SECRET_PREFIX = "whsec_";
    /** random bytes of a new secret */
    static final int SECRET_BYTES = 32;
    private static final String VERSION = "v1";
    private static final String HMAC = "HmacSHA256";
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * Mac.getInstance is the costly part (init with each endpoint's key is cheap); sends run on virtual threads, each
     * new, so a thread-local would make one per request: a pool instead
     */
    private static final java.util.concurrent.ConcurrentLinkedQueue<Mac> MACS = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private static final int MACS_KEPT = 64;

    private static Mac mac() {
        Mac mac = MACS.poll();
        if (mac != null) {
            return mac;
        }
        try {
            return Mac.getInstance(HMAC);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void giveBack(Mac mac) {
        if (MACS.size() < MACS_KEPT) {
            MACS.offer(mac);
        }
    }

    private Signatures() {
    }

    /** a new endpoint secret: {@code whsec_} + base64 of 32 bytes of {@link SecureRandom} */
    public static String newSecret() {
        byte[] key = new byte[SECRET_BYTES];
        RANDOM.nextBytes(key);
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /**
     * The HMAC key of a secret: its part after {@code whsec_}, base64-decoded (as the reference libraries do, a secret
     * without the prefix is read the same way).
     *
     * @throws IllegalArgumentException when the secret is empty or not base64
     */
    public static byte[] keyOf(String secret) {
        if (secret == null) {
            throw new IllegalArgumentException("no webhook secret");
        }
        String encoded = secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
        byte[] key;
        try {
            key = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a webhook secret is " + SECRET_PREFIX + " and base64", e);
        }
        if (key.length == 0) {
            throw new IllegalArgumentException("an empty webhook secret");
        }
        return key;
    }

    /**
     * The {@code webhook-signature} header of one request: {@code v1,<base64>} per secret, in the order given, space
     * separated.
     */
    public static String sign(String msgId, long timestampSeconds, String body, List<String> secrets) {
        return sign(msgId, timestampSeconds, body.getBytes(StandardCharsets.UTF_8), secrets);
    }

    /** {@link #sign(String, long, String, List)} of a body already encoded as UTF-8 (what the sender puts on the wire) */
    public static String sign(String msgId, long timestampSeconds, byte[] body, List<String> secrets) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("no secret to sign with");
        }
        byte[] prefix = signedPrefix(msgId, timestampSeconds);
        StringBuilder header = new StringBuilder();
        for (String secret : secrets) {
            if (!header.isEmpty()) {
                header.append(' ');
            }
            header.append(VERSION).append(',')
                    .append(Base64.getEncoder().encodeToString(mac(keyOf(secret), prefix, body)));
        }
        return header.toString();
    }

    /**
     * Whether one of the header's {@code v1} signatures is this secret's for this message, compared in constant time.
     * The timestamp's age is the receiver's business (Standard Webhooks libraries allow 5 minutes either way).
     */
    public static boolean verify(String msgId, long timestampSeconds, String body, String header, String secret) {
        if (msgId == null || body == null || header == null || secret == null) {
            return false;
        }
        byte[] expected;
        try {
            expected = Base64.getEncoder().encode(mac(keyOf(secret), signedPrefix(msgId, timestampSeconds),
                    body.getBytes(StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException e) {
            return false;
        }
        boolean match = false;
        for (String versioned : header.trim().split(" +")) {
            int comma = versioned.indexOf(',');
            if (comma < 0 || !VERSION.equals(versioned.substring(0, comma))) {
                continue;
            }
            byte[] given = versioned.substring(comma + 1).getBytes(StandardCharsets.US_ASCII);
            // every signature is compared, a match does not end the loop early
            match |= MessageDigest.isEqual(expected, given);
        }
        return match;
    }

    private static byte[] signedPrefix(String msgId, long timestampSeconds) {
        return (msgId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] mac(byte[] key, byte[] prefix, byte[] body) {
        Mac mac = mac();
        try {
            mac.init(new SecretKeySpec(key, HMAC));
            mac.update(prefix);
            byte[] out = mac.doFinal(body);
            giveBack(mac);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
