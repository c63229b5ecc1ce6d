package io.callauth.webhooks;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** TEMPORARY stand-in for wt-21b's Signatures (same shape); replaced by theirs on merge. */
public final class Signatures {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Signatures() {
    }

    public static String newSecret() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return "whsec_" + Base64.getEncoder().encodeToString(b);
    }

    public static byte[] keyOf(String secret) {
        return Base64.getDecoder().decode(secret.startsWith("whsec_") ? secret.substring(6) : secret);
    }

    public static String sign(String msgId, long tsSeconds, String body, List<String> secrets) {
        List<String> out = new ArrayList<>();
        for (String s : secrets) {
            out.add("v1," + mac(msgId, tsSeconds, body, s));
        }
        return String.join(" ", out);
    }

    public static boolean verify(String msgId, long ts, String body, String header, String secret) {
        byte[] want = ("v1," + mac(msgId, ts, body, secret)).getBytes(StandardCharsets.UTF_8);
        for (String part : header.split(" ")) {
            if (MessageDigest.isEqual(want, part.getBytes(StandardCharsets.UTF_8))) {
                return true;
            }
        }
        return false;
    }

    private static String mac(String id, long ts, String body, String secret) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(keyOf(secret), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(m.doFinal((id + "." + ts + "." + body)
                    .getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
