package io.callauth.provider.support;

import io.callauth.common.CodeSecret;
import io.callauth.common.HmacSha256;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;

/**
 * For providers whose only handle on a call is its calling number (SunSim): the number's last digits are the code,
 * so it is never kept in clear. What is kept (the tracking job, the verification) is
 * {@code hmac:} + HMAC-SHA256(code-secret, "caller-id:" + its last 10 digits); a call list row is recognised by
 * computing the same of its number. A Redis dump shows neither the number nor anything a brute force over the
 * pool's codes can use without the secret.
 */
@ApplicationScoped
public class CallerIdDigest {

    static final String PREFIX = "hmac:";
    private final HmacSha256 hmac;

    public CallerIdDigest(CodeSecret secret) {
        this.hmac = secret.hmac();
    }

    /** the digest of a calling number (any format: its last 10 digits count) */
    public String of(String number) {
        String d = number == null ? "" : number.replaceAll("[^0-9]", "");
        String last = d.length() <= 10 ? d : d.substring(d.length() - 10);
        return PREFIX + hmac.hex("caller-id:" + last);
    }

    /** whether {@code kept} (a digest) is that of {@code number} */
    public boolean matches(String number, String kept) {
        return kept != null && kept.startsWith(PREFIX) && java.security.MessageDigest.isEqual(
                of(number).getBytes(StandardCharsets.UTF_8), kept.getBytes(StandardCharsets.UTF_8));
    }

    public static boolean isDigest(String kept) {
        return kept != null && kept.startsWith(PREFIX);
    }
}
