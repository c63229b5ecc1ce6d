package io.callauth.provider.support;

import io.callauth.provider.ProviderException;
import io.callauth.common.Ids;
import io.callauth.common.LuaScript;
import io.callauth.common.RedisReplies;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A provider's session token shared by every replica through Redis. Providers whose new token invalidates the
 * old one (SunSim), that block hosts after failed logins (Runtel) or that ask to log in again (Yunhu) need exactly
 * this: one token, one login or refresh at a time across all replicas (a Redis lock), the others read the result.
 * A failed login starts a growing back-off, shared too, during which nobody logs in and requests fail at once
 * with {@link ProviderException.Reason#UNAVAILABLE}.
 */
public final class SharedToken {

    /** What a provider issues. {@code refresh} and its expiry are optional (only SunSim has them). */
    public record Token(String access, long expiresAt, String refresh, long refreshExpiresAt) {
        public Map<String, String> fields() {
            Map<String, String> m = new HashMap<>();
            m.put("access", access);
            m.put("expiresAt", Long.toString(expiresAt));
            if (refresh != null) {
                m.put("refresh", refresh);
                m.put("refreshExpiresAt", Long.toString(refreshExpiresAt));
            }
            return m;
        }

        static Optional<Token> from(Map<String, String> h) {
            if (h == null || !h.containsKey("access")) {
                return Optional.empty();
            }
            return Optional.of(new Token(h.get("access"), Long.parseLong(h.getOrDefault("expiresAt", "0")),
                    h.get("refresh"), Long.parseLong(h.getOrDefault("refreshExpiresAt", "0"))));
        }
    }

    /** Issues a token: a login, or a refresh when {@code previous} carries a still valid refresh token. */
    public interface Issuer extends Function<Optional<Token>, Uni<Token>> {
    }

    /** Back-off after failed logins: {@code base} doubling per failure up to {@code max}. */
    public record Backoff(Duration base, Duration max) {
        Duration after(int failures) {
            long ms = base.toMillis() << Math.min(20, Math.max(0, failures - 1));
            return Duration.ofMillis(Math.min(ms, max.toMillis()));
        }
    }

    private static final LuaScript RELEASE = LuaScript.fromResource("lock-release");
    private static final LuaScript STORE = LuaScript.fromResource("token-store");
    private static final Logger LOG = Logger.getLogger(SharedToken.class);

    private final String provider;
    private final ReactiveRedisDataSource redis;
    private final Clock clock;
    private final Duration renewBefore;
    private final Duration lockTtl;
    private final Backoff backoff;
    private final Issuer issuer;
    private final String tokenKey;
    private final String lockKey;
    private final String backoffKey;

    public SharedToken(String provider, ReactiveRedisDataSource redis, Clock clock, Duration renewBefore,
                       Duration lockTtl, Backoff backoff, Issuer issuer) {
        this.provider = provider;
        this.redis = redis;
        this.clock = clock;
        this.renewBefore = renewBefore;
        this.lockTtl = lockTtl;
        this.backoff = backoff;
        this.issuer = issuer;
        this.tokenKey = "ca:token:{" + provider + "}";
        this.lockKey = "ca:token:{" + provider + "}:lock";
        this.backoffKey = "ca:token:{" + provider + "}:backoff";
    }

    /** The current token, renewed first when it is missing or about to expire. */
    public Uni<Token> get() {
        return read().chain(t -> t.isPresent() && fresh(t.get())
                ? Uni.createFrom().item(t.get()) : renew(t.map(Token::access).orElse(null), 0));
    }

    /**
     * The provider rejected {@code rejected} (401, ret 600, …): get a new one. If another replica already
     * replaced it, that one is used; otherwise this replica logs in again, under the lock.
     */
    public Uni<Token> replace(String rejected) {
        return renew(rejected, 0);
    }

    /** Failure back-off state, for readiness: empty when logins are allowed. */
    public Uni<Optional<BackoffState>> backoffState() {
        return redis.execute("HGETALL", backoffKey).map(r -> {
            Map<String, String> h = RedisReplies.hash(r);
            if (h.isEmpty()) {
                return Optional.empty();
            }
            long until = Long.parseLong(h.getOrDefault("until", "0"));
            return until > clock.millis() ? Optional.of(new BackoffState(Integer.parseInt(h.getOrDefault("failures", "1")),
                    until, h.get("reason"))) : Optional.empty();
        });
    }

    public record BackoffState(int failures, long until, String reason) {
    }

    public Uni<Optional<Token>> read() {
        return redis.execute("HGETALL", tokenKey).map(r -> Token.from(RedisReplies.hash(r)));
    }

    private boolean fresh(Token t) {
        return t.expiresAt() - renewBefore.toMillis() > clock.millis();
    }

    private Uni<Token> renew(String stale, int attempt) {
        return backoffState().chain(b -> {
            if (b.isPresent()) {
                return Uni.createFrom().failure(new ProviderException(provider, ProviderException.Reason.UNAVAILABLE,
                        "login backing off after " + b.get().failures() + " failure(s)"));
            }
            String holder = Ids.random("", 8);
            return redis.execute("SET", lockKey, holder, "NX", "PX", Long.toString(lockTtl.toMillis())).chain(r -> {
                if (r == null) {
                    // another replica is logging in: wait for its token (bounded by the lock's TTL)
                    if ((long) attempt * 100 > lockTtl.toMillis() + 1000) {
                        return Uni.createFrom().failure(new ProviderException(provider,
                                ProviderException.Reason.UNAVAILABLE, "token renewal by another replica did not finish"));
                    }
                    return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(100))
                            .chain(() -> read())
                            .chain(t -> t.isPresent() && fresh(t.get()) && !t.get().access().equals(stale)
                                    ? Uni.createFrom().item(t.get()) : renew(stale, attempt + 1));
                }
                return issueUnderLock(holder, stale)
                        .eventually(() -> RELEASE.call(redis, List.of(lockKey), List.of(holder)));
            });
        });
    }

    private Uni<Token> issueUnderLock(String holder, String stale) {
        return read().chain(current -> {
            if (current.isPresent() && fresh(current.get()) && !current.get().access().equals(stale)) {
                return Uni.createFrom().item(current.get()); // someone renewed between our read and our lock
            }
            Optional<Token> previous = current.filter(t -> t.refresh() != null && t.refreshExpiresAt() > clock.millis());
            return issuer.apply(previous)
                    .onFailure().call(t -> recordFailure(t))
                    .chain(token -> store(holder, token));
        });
    }

    private Uni<Token> store(String holder, Token token) {
        long ttl = Math.max(1000, Math.max(token.expiresAt(), token.refreshExpiresAt()) - clock.millis());
        List<String> args = new ArrayList<>(List.of(holder, Long.toString(ttl)));
        token.fields().forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        return STORE.call(redis, List.of(tokenKey, lockKey, backoffKey), args).map(r -> {
            if (r.toLong() != 1L) {
                LOG.warnf("%s: token issued after this replica's lock expired; it is used but not shared", provider);
            }
            return token;
        });
    }

    private Uni<Void> recordFailure(Throwable t) {
        return redis.execute("HINCRBY", backoffKey, "failures", "1").chain(n -> {
            int failures = n.toInteger();
            Duration wait = backoff.after(failures);
            long until = clock.millis() + wait.toMillis();
            LOG.warnf("%s: login failed (%s); no login for %s (failure %d)", provider, t.getMessage(), wait, failures);
            return redis.execute("HSET", backoffKey, "until", Long.toString(until), "reason",
                            t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage())
                    .chain(() -> redis.execute("PEXPIRE", backoffKey, Long.toString(wait.toMillis() + backoff.max().toMillis())))
                    .replaceWithVoid();
        });
    }
}
