package io.callauth.verification;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callauth.common.LuaScript;
import io.callauth.common.RedisReplies;
import io.callauth.provider.CallStatus;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Verifications in Redis. Each lives in a hash {@code ca:vf:{id}} and an event list {@code ca:vf:{id}:ev}; the
 * {@code {id}} hash tag keeps both in one Cluster slot so every state change is one Lua script, one round trip.
 * Keys expire at code lifetime plus the status grace period.
 */
@ApplicationScoped
public class VerificationStore {

    private static final LuaScript CREATE = LuaScript.fromResource("verification-create");
    private static final LuaScript CHECK = LuaScript.fromResource("verification-check");
    private static final LuaScript RESERVE = LuaScript.fromResource("verification-reserve-call");
    private static final LuaScript CALL_UPDATE = LuaScript.fromResource("verification-call-update");
    private static final LuaScript TRANSITION = LuaScript.fromResource("verification-transition");
    private static final LuaScript EXPIRE = LuaScript.fromResource("verification-expire");

    private final ReactiveRedisDataSource redis;
    private final ObjectMapper json;

    public VerificationStore(ReactiveRedisDataSource redis, ObjectMapper json) {
        this.redis = redis;
        this.json = json;
    }

    static String hashKey(String id) {
        return "ca:vf:{" + id + "}";
    }

    static String eventsKey(String id) {
        return "ca:vf:{" + id + "}:ev";
    }

    private static List<String> keys(String id) {
        return List.of(hashKey(id), eventsKey(id));
    }

    public Uni<Boolean> create(Verification v, Map<String, Object> event, long ttlMillis) {
        List<String> args = new ArrayList<>();
        args.add(Long.toString(ttlMillis));
        args.add(toJson(event));
        v.toHash().forEach((k, val) -> {
            args.add(k);
            args.add(val);
        });
        return CREATE.call(redis, keys(v.id()), args).map(r -> r.toLong() == 1L);
    }

    public Uni<Optional<Stored>> get(String id) {
        return get(id, true);
    }

    /** the verification, with its event timeline when {@code withEvents} (one more round trip) */
    public Uni<Optional<Stored>> get(String id, boolean withEvents) {
        return redis.execute("HGETALL", hashKey(id)).chain(h -> {
            Map<String, String> map = RedisReplies.hash(h);
            if (map.isEmpty() || !map.containsKey("id")) {
                return Uni.createFrom().item(Optional.<Stored>empty());
            }
            if (!withEvents) {
                return Uni.createFrom().item(Optional.of(new Stored(Verification.fromHash(map), List.of())));
            }
            return redis.execute("LRANGE", eventsKey(id), "0", "-1").map(ev -> {
                List<Map<String, Object>> events = new ArrayList<>();
                if (ev != null) {
                    for (Response e : ev) {
                        events.add(fromJson(e.toString()));
                    }
                }
                return Optional.of(new Stored(Verification.fromHash(map), events));
            });
        });
    }

    public Uni<CheckResult> check(String id, String apiKey, String candidateMac, long now) {
        return CHECK.call(redis, keys(id), List.of(candidateMac, Long.toString(now), apiKey)).map(CheckResult::decode);
    }

    private static String str(Response r, int i) {
        String s = r.get(i) == null ? null : r.get(i).toString();
        return s == null || s.isEmpty() ? null : s;
    }

    /** a status field of a script's reply: empty when the script found no verification */
    private static VerificationStatus statusAt(Response r, int i) {
        String s = str(r, i);
        return s == null ? null : VerificationStatus.fromWire(s);
    }

    public Uni<Reserve> reserveCall(String id, String callRef, String provider, String channel, long now,
                                    Map<String, Object> event) {
        return RESERVE.call(redis, keys(id), List.of(Long.toString(now), callRef, event == null ? "" : toJson(event),
                        provider, channel))
                .map(r -> switch (r.get(0).toString()) {
                    case "ok" -> new Reserve.Ok(r.get(2).toInteger(), r.get(3).toInteger());
                    case "budget" -> new Reserve.BudgetSpent(r.get(2).toInteger(), r.get(3).toInteger());
                    case "state" -> new Reserve.Ended(VerificationStatus.fromWire(r.get(1).toString()));
                    case "not_found" -> new Reserve.NotFound();
                    default -> throw new IllegalStateException("verification-reserve-call answered " + r.get(0));
                });
    }

    public Uni<UpdateResult> updateCall(String id, String callRef, boolean requireNonFinal, int callsDelta,
                                        Map<String, Object> event, Map<String, String> fields, long now) {
        List<String> args = new ArrayList<>();
        args.add(Long.toString(now));
        args.add(callRef);
        args.add(requireNonFinal ? "1" : "0");
        args.add(Integer.toString(callsDelta));
        args.add(event == null ? "" : toJson(event));
        fields.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        return CALL_UPDATE.call(redis, keys(id), args).map(UpdateResult::decode);
    }

    public Uni<TransitionResult> transition(String id, VerificationStatus to, Map<String, Object> event, long now) {
        return TRANSITION.call(redis, keys(id), List.of(Long.toString(now), to.wire(), toJson(event)))
                .map(TransitionResult::decode);
    }

    /** Remembers the newest verification of a phone for one API key (check by phone). */
    public Uni<Void> indexPhone(String apiKey, String phone, String id, long ttlMillis) {
        return redis.execute("SET", phoneKey(apiKey, phone), id, "PX", Long.toString(ttlMillis)).replaceWithVoid();
    }

    public Uni<Optional<String>> newestForPhone(String apiKey, String phone) {
        return redis.execute("GET", phoneKey(apiKey, phone))
                .map(r -> r == null ? Optional.<String>empty() : Optional.of(r.toString()));
    }

    /**
     * Claims an Idempotency-Key for this API key. Answers empty when the claim is ours, or the value stored by the
     * request that claimed it first.
     */
    public Uni<Optional<String>> claimIdempotencyKey(String apiKey, String key, String value, long ttlMillis) {
        String k = "ca:idem:{" + apiKey + "}:" + key;
        return redis.execute("SET", k, value, "NX", "PX", Long.toString(ttlMillis)).chain(r -> r != null
                ? Uni.createFrom().item(Optional.<String>empty())
                : redis.execute("GET", k).map(g -> Optional.ofNullable(g).map(Response::toString)));
    }

    /** the value stored under an Idempotency-Key of this API key, if any */
    public Uni<Optional<String>> newestForIdempotencyKey(String apiKey, String key) {
        return redis.execute("GET", "ca:idem:{" + apiKey + "}:" + key)
                .map(r -> r == null ? Optional.<String>empty() : Optional.of(r.toString()));
    }

    /**
     * Expires a pending verification past its expiry. {@link ExpireResult#owed()}: an {@code expired} attempt-log
     * record is owed (confirm it with {@link #expiryLogged}); otherwise what stopped it.
     */
    public Uni<ExpireResult> expire(String id, long now) {
        return EXPIRE.call(redis, keys(id), List.of(Long.toString(now))).map(ExpireResult::decode);
    }

    /** what the expire script answered; provider and channel (null when none) of the expired verification's call */
    public record ExpireResult(Expiry result, String provider, String channel) {
        /** expire: it was expired now, its record is owed; pending: not expired yet by this clock; gone: not
         * found, or no longer pending */
        public enum Expiry { EXPIRE, PENDING, GONE }

        public boolean owed() {
            return result == Expiry.EXPIRE;
        }

        static ExpireResult decode(Response r) {
            String first = r.get(0).toString();
            Expiry e = switch (first) {
                case "expire" -> Expiry.EXPIRE;
                case "pending" -> Expiry.PENDING;
                default -> Expiry.GONE; // not_found, or the final status that stopped it
            };
            return new ExpireResult(e, str(r, 1), str(r, 2));
        }
    }

    /** the {@code expired} record of an expiry is in the attempt log */
    public Uni<Void> expiryLogged(String id) {
        return redis.execute("HSET", hashKey(id), "expiryLogged", "1").replaceWithVoid();
    }

    public Uni<Void> delete(String id) {
        return redis.execute("DEL", hashKey(id), eventsKey(id)).replaceWithVoid();
    }

    private static String phoneKey(String apiKey, String phone) {
        return "ca:phone:{" + apiKey + ":" + phone + "}";
    }

    String toJson(Map<String, Object> event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> fromJson(String s) {
        try {
            return json.readValue(s, Map.class);
        } catch (JsonProcessingException e) {
            return Map.of("type", "unreadable");
        }
    }

    public record Stored(Verification verification, List<Map<String, Object>> events) {
    }

    /**
     * What the check script answered: whether the verification exists, its status after the check (null when not
     * found), whether the code was right, tries left, whether the check changed the status, and what the attempt
     * record of the check needs.
     */
    public record CheckResult(boolean found, VerificationStatus status, boolean valid, int attemptsLeft,
                              boolean changed, String phone, String region, String provider, String channel,
                              ClientContext context) {

        static CheckResult decode(Response r) {
            String first = r.get(0).toString();
            if (first.equals("not_found")) {
                return new CheckResult(false, null, false, 0, false, null, null, null, null, ClientContext.EMPTY);
            }
            VerificationStatus status = VerificationStatus.fromWire(first);
            if (r.size() < 12) {
                return new CheckResult(true, status, r.get(1).toInteger() == 1, r.get(2).toInteger(),
                        r.get(3).toInteger() == 1, null, null, null, null, ClientContext.EMPTY);
            }
            return new CheckResult(true, status, r.get(1).toInteger() == 1, r.get(2).toInteger(),
                    r.get(3).toInteger() == 1, str(r, 4), str(r, 5), str(r, 6), str(r, 7),
                    new ClientContext(str(r, 8), str(r, 9), str(r, 10), str(r, 11)));
        }
    }

    /** what reserving a call answered: the call is ours, or why not */
    public sealed interface Reserve {
        /** reserved: the call is the verification's current one, {@code calls} of {@code maxCalls} used */
        record Ok(int calls, int maxCalls) implements Reserve {
        }

        /** the verification is no longer pending (expired included) */
        record Ended(VerificationStatus status) implements Reserve {
        }

        /** every call of the verification's budget was used */
        record BudgetSpent(int calls, int maxCalls) implements Reserve {
        }

        record NotFound() implements Reserve {
        }
    }

    /**
     * What recording a call's progress answered: the result, the verification's status (null when not found), calls
     * used of the budget, the provider and the providers tried, and the call's status after the update (a final one
     * is never replaced; null when unknown).
     */
    public record UpdateResult(ScriptResult result, VerificationStatus status, int calls, int maxCalls,
                               String provider, String tried, CallStatus callStatus) {

        static UpdateResult decode(Response r) {
            String cs = str(r, 6);
            return new UpdateResult(ScriptResult.fromWire(r.get(0).toString()), statusAt(r, 1), r.get(2).toInteger(),
                    r.get(3).toInteger(), r.get(4).toString(), r.get(5).toString(),
                    cs == null ? null : CallStatus.fromWire(cs));
        }
    }

    /** what a transition answered: ok, not_found or state, and the status it found or set (null when not found) */
    public record TransitionResult(ScriptResult result, VerificationStatus status) {

        static TransitionResult decode(Response r) {
            return new TransitionResult(ScriptResult.fromWire(r.get(0).toString()), statusAt(r, 1));
        }
    }
}
