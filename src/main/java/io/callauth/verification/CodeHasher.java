package io.callauth.verification;

import jakarta.enterprise.context.ApplicationScoped;

import io.callauth.common.CodeSecret;
import io.callauth.common.HmacSha256;


/**
 * Codes are stored only as HMAC-SHA256(code-secret, verificationId ":" code): a Redis dump shows neither the code
 * nor, for 4 digits, anything a brute force over 10^4 candidates can use without the secret.
 */
@ApplicationScoped
public class CodeHasher {

    private final HmacSha256 hmac;

    public CodeHasher(CodeSecret secret) {
        this.hmac = secret.hmac();
    }

    public String mac(String verificationId, String code) {
        return hmac.hex(verificationId + ":" + code);
    }
}
