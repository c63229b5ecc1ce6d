package io.callauth.calls;

import io.callauth.provider.KeptCall;
import io.callauth.provider.CallRecordSink;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callauth.attempts.AttemptLog;
import io.callauth.attempts.AttemptRecord;
import io.callauth.attempts.CallArchive;
import io.callauth.common.LuaScript;
import io.callauth.common.RedisReplies;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The calls of live verifications in Redis: one hash {@code ca:vf:{id}:calls} per verification (callRef → the
 * call as JSON), in the verification's Cluster slot and expiring with it. Written by the verification core when a
 * call is placed, fails or ends, and by {@link #keep} when a provider pushes its record of a call (Yunhu's CDR),
 * which also goes to the attempt stream as a {@code call_record} so the archive keeps it for the retention,
 * whichever replica received it and whether or not the verification is still in Redis. Never a code: the caller ID
 * arrives masked, providerCallId is never a calling number.
 */
@ApplicationScoped
public class CallLedger implements CallRecordSink {

    private static final LuaScript KEEP = LuaScript.fromResource("call-keep");
    private static final Logger LOG = Logger.getLogger(CallLedger.class);

    private final ReactiveRedisDataSource redis;
    private final AttemptLog attempts;
    private final ObjectMapper json;
    private final Clock clock;

    public CallLedger(ReactiveRedisDataSource redis, AttemptLog attempts, ObjectMapper json, Clock clock) {
        this.redis = redis;
        this.attempts = attempts;
        this.json = json;
        this.clock = clock;
    }

    static String key(String verificationId) {
        return "ca:vf:{" + verificationId + "}:calls";
    }

    private static List<String> keys(String verificationId) {
        return List.of("ca:vf:{" + verificationId + "}", key(verificationId));
    }

    /** the verification a callRef belongs to ({@code <verificationId>.<hex>}), or null when it is not one of ours */
    public static String verificationOf(String callRef) {
        int dot = callRef == null ? -1 : callRef.lastIndexOf('.');
        return dot <= 0 || dot == callRef.length() - 1 ? null : callRef.substring(0, dot);
    }

    /** a call was placed (or failed to be: status {@code failed}) */
    public Uni<Void> placed(String verificationId, String callRef, String provider, String channel, String phone,
                            String callerId, String providerCallId, long at, String status) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("verificationId", verificationId);
        f.put("provider", provider);
        f.put("channel", channel);
        f.put("phone", phone);
        if (callerId != null) {
            f.put("callerId", callerId);
        }
        if (providerCallId != null) {
            f.put("providerCallId", providerCallId);
        }
        f.put("placedAt", Long.toString(at));
        f.put("callStatus", status);
        return write(verificationId, callRef, f);
    }

    /** a call's status changed (a final status is never replaced) */
    public Uni<Void> status(String callRef, String status) {
        String id = verificationOf(callRef);
        return id == null ? Uni.createFrom().voidItem() : write(id, callRef, Map.of("callStatus", status));
    }

    /**
     * A provider's pushed record of a call: appended to the attempt stream ({@code call_record}, archived with the
     * call) and kept beside the live verification. A callRef that is not ours is ignored.
     */
    @Override
    public Uni<Void> keep(String callRef, String provider, JsonNode record) {
        String id = verificationOf(callRef);
        if (id == null || record == null) {
            return Uni.createFrom().voidItem();
        }
        String text = record.toString();
        AttemptRecord r = new AttemptRecord(clock.millis(), CallArchive.CALL_RECORD, id, null, null, null, provider,
                null, null, null, null, null, null, null, null, null, callRef, null, null, text);
        Map<String, String> f = new LinkedHashMap<>();
        f.put("verificationId", id);
        f.put("provider", provider);
        f.put("record", text);
        return attempts.append(r).chain(() -> write(id, callRef, f));
    }

    private Uni<Void> write(String verificationId, String callRef, Map<String, String> fields) {
        List<String> args = new ArrayList<>();
        args.add(callRef);
        fields.forEach((k, v) -> {
            if (v != null) {
                args.add(k);
                args.add(v);
            }
        });
        return KEEP.call(redis, keys(verificationId), args).replaceWithVoid()
                .onFailure().recoverWithUni(t -> {
                    // the archive still gets the call from the attempt stream; never fail the verification for this
                    LOG.warnf("keeping call %s in Redis failed: %s", callRef, t.toString());
                    return Uni.createFrom().voidItem();
                });
    }

    /** the calls of a verification still in Redis, oldest first; empty when it is gone or has none */
    public Uni<List<KeptCall>> live(String verificationId) {
        return redis.execute("HGETALL", key(verificationId)).map(r -> {
            List<KeptCall> out = new ArrayList<>();
            RedisReplies.hash(r).forEach((ref, value) -> {
                KeptCall c = parse(ref, value);
                if (c != null) {
                    out.add(c);
                }
            });
            out.sort(Comparator.comparingLong(KeptCall::placedAt).thenComparing(KeptCall::callRef));
            return out;
        });
    }

    /** whether the verification is still in Redis */
    public Uni<Boolean> exists(String verificationId) {
        return redis.execute("EXISTS", "ca:vf:{" + verificationId + "}").map(r -> r != null && r.toLong() > 0);
    }

    /** one call of a verification still in Redis, or null */
    public Uni<KeptCall> live(String verificationId, String callRef) {
        return redis.execute("HGET", key(verificationId), callRef)
                .map(r -> r == null ? null : parse(callRef, r.toString()));
    }

    private KeptCall parse(String callRef, String value) {
        try {
            JsonNode n = json.readTree(value);
            JsonNode record = null;
            String rec = text(n, "record");
            if (rec != null) {
                record = json.readTree(rec);
            }
            String placed = text(n, "placedAt");
            return new KeptCall(callRef, text(n, "verificationId"), text(n, "provider"), text(n, "channel"),
                    text(n, "phone"), text(n, "callerId"), text(n, "providerCallId"),
                    placed == null ? 0L : Long.parseLong(placed), text(n, "callStatus"), record);
        } catch (Exception e) {
            LOG.debugf("unreadable call %s in Redis skipped: %s", callRef, e.toString());
            return null;
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
    }
}
