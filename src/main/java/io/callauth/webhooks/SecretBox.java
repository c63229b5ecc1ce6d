package io.callauth.webhooks;

import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** TEMPORARY stand-in for wt-21b's SecretBox (same shape, no encryption); replaced by theirs on merge. */
@ApplicationScoped
public class SecretBox {
    public String seal(String secret) {
        return Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8));
    }

    public String open(String sealed) {
        return new String(Base64.getDecoder().decode(sealed), StandardCharsets.UTF_8);
    }
}
