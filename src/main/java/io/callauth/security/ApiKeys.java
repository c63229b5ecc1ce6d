package io.callauth.security;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Keys from {@code callauth.api-keys} ({@code name:role[+role]:sha256hex,...}). Only hashes are held. A presented
 * secret is hashed and compared with every configured hash in constant time, so neither timing nor the loop's
 * early exit tells which key, or which prefix, matched.
 */
@ApplicationScoped
public class ApiKeys {

    private final List<ApiKey> keys;

    public ApiKeys(@ConfigProperty(name = "callauth.api-keys") Optional<String> spec) {
        this.keys = spec.map(ApiKeys::parse).orElse(List.of());
    }

    public Optional<ApiKey> authenticate(String presentedSecret) {
        if (presentedSecret == null || presentedSecret.isEmpty()) {
            return Optional.empty();
        }
        byte[] presented = sha256(presentedSecret);
        ApiKey match = null;
        for (ApiKey k : keys) {
            if (MessageDigest.isEqual(presented, k.secretSha256())) {
                match = k;
            }
        }
        return Optional.ofNullable(match);
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }

    public static List<ApiKey> parse(String spec) {
        List<ApiKey> out = new ArrayList<>();
        for (String raw : spec.split(",")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            String[] parts = entry.split(":");
            if (parts.length != 3) {
                throw new IllegalArgumentException("callauth.api-keys: entry '" + safe(entry)
                        + "' is not name:role[+role]:sha256hex");
            }
            EnumSet<Role> roles = EnumSet.noneOf(Role.class);
            for (String r : parts[1].split("\\+")) {
                try {
                    roles.add(Role.valueOf(r.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("callauth.api-keys: key '" + parts[0] + "' has unknown role '" + r
                            + "' (roles: verify, fraud)");
                }
            }
            String hex = parts[2].trim().toLowerCase(Locale.ROOT);
            if (!hex.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("callauth.api-keys: key '" + parts[0]
                        + "' must give the SHA-256 of its secret as 64 hex digits");
            }
            out.add(new ApiKey(parts[0].trim(), roles, HexFormat.of().parseHex(hex)));
        }
        return List.copyOf(out);
    }

    private static String safe(String entry) {
        int i = entry.indexOf(':');
        return i < 0 ? "…" : entry.substring(0, i) + ":…";
    }

    /** compares two secrets in constant time (their SHA-256, so the time does not depend on lengths either) */
    public static boolean sameSecret(String presented, String expected) {
        return presented != null && expected != null && MessageDigest.isEqual(sha256(presented), sha256(expected));
    }

    /** one digest per thread: {@code MessageDigest.getInstance} on every request costs more than the hashing */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    static byte[] sha256(String s) {
        return SHA256.get().digest(s.getBytes(StandardCharsets.UTF_8));
    }
}
