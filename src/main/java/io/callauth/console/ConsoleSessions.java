package io.callauth.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Console sessions in Redis, shared by every replica: {@code ca:console:session:<sha256(id)>} holds the user and the
 * CSRF token as JSON and expires with the session (8 h from sign-in). The id (32 random bytes) lives only in the
 * browser's HttpOnly cookie; a Redis dump does not hold a usable session id.
 */
@ApplicationScoped
public class ConsoleSessions {

    static final String PREFIX = "ca:console:session:";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ReactiveRedisDataSource redis;
    private final ObjectMapper json;
    private final ConsoleConfig config;
    private final Clock clock;

    public ConsoleSessions(ReactiveRedisDataSource redis, ObjectMapper json, ConsoleConfig config, Clock clock) {
        this.redis = redis;
        this.json = json;
        this.config = config;
        this.clock = clock;
    }

    /** opens a session for the user (an API key's name) */
    public Uni<ConsoleSession> open(String user) {
        ConsoleSession s = new ConsoleSession(token(), user, token(), clock.millis());
        String body;
        try {
            body = json.writeValueAsString(Map.of("user", s.user(), "csrf", s.csrf(), "createdAt", s.createdAt()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return redis.execute("SET", key(s.id()), body, "PX", Long.toString(config.sessionTtl().toMillis()))
                .replaceWith(s);
    }

    /** the session of a cookie value, if it exists and has not expired */
    public Uni<Optional<ConsoleSession>> find(String id) {
        if (id == null || id.length() < 20 || id.length() > 100) {
            return Uni.createFrom().item(Optional.empty());
        }
        return redis.execute("GET", key(id)).map(r -> {
            if (r == null) {
                return Optional.empty();
            }
            try {
                var n = json.readTree(r.toString());
                return Optional.of(new ConsoleSession(id, n.path("user").asText(), n.path("csrf").asText(),
                        n.path("createdAt").asLong()));
            } catch (JsonProcessingException e) {
                return Optional.empty();
            }
        });
    }

    /** ends a session (sign-out): the key is gone on every replica at once */
    public Uni<Void> end(String id) {
        return redis.execute("DEL", key(id)).replaceWithVoid();
    }

    static String key(String id) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return PREFIX + HexFormat.of().formatHex(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** 32 random bytes, base64url */
    static String token() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** compares two tokens in constant time */
    static boolean same(String a, String b) {
        return a != null && b != null && MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8),
                b.getBytes(StandardCharsets.UTF_8));
    }

}
