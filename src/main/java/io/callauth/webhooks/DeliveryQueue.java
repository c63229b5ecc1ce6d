package io.callauth.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callauth.common.LuaScript;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Each endpoint's queue of due tries in Redis, under a hash tag of its own ({@code {wh:<id>}}: one Redis Cluster slot
 * per endpoint, so its scripts are atomic there): a sorted set of due tries by time ({@value #DUE}), the event bodies
 * ({@value #BODIES}), the claims of the tries in flight ({@value #CLAIMS}), the deliveries log ({@value #LOG}, one JSON
 * line per event, and {@value #LOG_TIMES}, its order and trim by time) and the endpoint's health ({@value #HEALTH}).
 * A try in flight stays in the due set, pushed to the end of its sender's lease: when the sender dies, it is due again.
 * {@link #completeAndClaim} is non-blocking (the sender's hot path); the other calls block: worker threads only.
 */
@ApplicationScoped
public class DeliveryQueue {

    static final String DUE = "due";
    static final String BODIES = "bodies";
    static final String CLAIMS = "claims";
    static final String LOG = "log";
    static final String LOG_TIMES = "logt";
    static final String HEALTH = "health";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Logger LOG_ = Logger.getLogger(DeliveryQueue.class);

    private static final LuaScript ENQUEUE = LuaScript.fromResource("webhook-enqueue");
    private static final LuaScript CLAIM = LuaScript.fromResource("webhook-claim");
    private static final LuaScript COMPLETE = LuaScript.fromResource("webhook-complete");

    private final ReactiveRedisDataSource redis;
    private final ObjectMapper json;
    private final WebhooksConfig config;
    private final Clock clock;

    public DeliveryQueue(ReactiveRedisDataSource redis, ObjectMapper json, WebhooksConfig config, Clock clock) {
        this.redis = redis;
        this.json = json;
        this.config = config;
        this.clock = clock;
    }

    static String key(String endpointId, String part) {
        return "ca:{wh:" + endpointId + "}:" + part;
    }

    /** every key of an endpoint's deliveries */
    static List<String> keys(String endpointId) {
        return List.of(DUE, BODIES, CLAIMS, LOG, LOG_TIMES, HEALTH).stream().map(p -> key(endpointId, p)).toList();
    }

    /**
     * Queues events for an endpoint (one round trip), each due now. An event already in its log is not queued again,
     * unless {@code force} (a replay), which queues it again unless a try of it is queued already.
     */
    public int enqueue(String endpointId, List<Event> events, boolean force) {
        if (events.isEmpty()) {
            return 0;
        }
        long now = clock.millis();
        List<String> args = new ArrayList<>(3 + events.size() * 3);
        args.add(Long.toString(now));
        args.add(Long.toString(now - config.retention().toMillis()));
        args.add(force ? "1" : "0");
        for (Event e : events) {
            args.add(e.id());
            args.add(write(e));
            args.add(write(Delivery.queued(e, clock.instant())));
        }
        Response r = ENQUEUE.call(redis, List.of(key(endpointId, DUE), key(endpointId, BODIES), key(endpointId, LOG),
                key(endpointId, LOG_TIMES)), args).await().atMost(WAIT);
        return r == null ? 0 : r.toInteger();
    }

    /** a try a sender claimed: the event's id and body, and its log line so far */
    public record Claimed(String eventId, String body, Delivery delivery) {
    }

    /** Claims up to {@code max} due tries of an endpoint until {@code leaseEnd} (ms) for {@code token}. */
    public List<Claimed> claim(String endpointId, int max, long leaseEnd, String token) {
        Response r = CLAIM.call(redis, List.of(key(endpointId, DUE), key(endpointId, BODIES), key(endpointId, CLAIMS),
                        key(endpointId, LOG)),
                List.of(Long.toString(clock.millis()), Long.toString(leaseEnd), token, Integer.toString(max)))
                .await().atMost(WAIT);
        return claimed(r, 0);
    }

    /** the tries a claim answered, from index {@code from} on: id, body, log line each */
    private List<Claimed> claimed(Response r, int from) {
        List<Claimed> out = new ArrayList<>();
        for (int i = from; r != null && i + 2 < r.size(); i += 3) {
            out.add(new Claimed(r.get(i).toString(), r.get(i + 1).toString(), readDelivery(r.get(i + 2).toString())));
        }
        return out;
    }

    /** how a claimed try ended: {@code nextDueMillis} null when it is done (delivered, or no try left) */
    public record Completion(String eventId, Long nextDueMillis, Delivery delivery) {
    }

    /**
     * What ending claimed tries answered: since when (ms) every try of the endpoint failed, or null when one was
     * delivered now; and the tries claimed next in the same round trip.
     */
    public record Completed(Long failingSince, List<Claimed> next) {
    }

    /**
     * Ends claimed tries (one round trip); answers since when (ms) every try of the endpoint failed, or null when
     * one was delivered now. Blocking: for tests and tools; the sender uses {@link #completeAndClaim}.
     */
    public Long complete(String endpointId, String token, boolean delivered, List<Completion> done) {
        return completeAndClaim(endpointId, token, delivered, done, 0, 0).await().atMost(WAIT).failingSince();
    }

    /**
     * Ends claimed tries and claims up to {@code claimNext} of the endpoint's next due tries for the same token until
     * {@code leaseEnd} (ms), in one round trip: a sender's delivered try refills its slot without a claim of its own.
     * Non-blocking.
     */
    public Uni<Completed> completeAndClaim(String endpointId, String token, boolean delivered, List<Completion> done,
                                           int claimNext, long leaseEnd) {
        List<String> args = new ArrayList<>(5 + done.size() * 3);
        args.add(token);
        args.add(Long.toString(clock.millis()));
        args.add(delivered ? "1" : "0");
        args.add(Integer.toString(Math.max(0, claimNext)));
        args.add(Long.toString(leaseEnd));
        for (Completion c : done) {
            args.add(c.eventId());
            args.add(c.nextDueMillis() == null ? "done" : Long.toString(c.nextDueMillis()));
            args.add(write(c.delivery()));
        }
        return COMPLETE.call(redis, List.of(key(endpointId, DUE), key(endpointId, BODIES), key(endpointId, CLAIMS),
                key(endpointId, LOG), key(endpointId, HEALTH)), args).map(r -> {
                    String failing = r == null || r.size() == 0 || r.get(0) == null ? null : r.get(0).toString();
                    return new Completed(failing == null || failing.isEmpty() ? null : Long.valueOf(failing),
                            claimed(r, 1));
                });
    }

    /** forgets since when every try failed (an endpoint enabled again starts afresh) */
    public void resetHealth(String endpointId) {
        redis.execute("HDEL", key(endpointId, HEALTH), "failingSince").await().atMost(WAIT);
    }

    Delivery readDelivery(String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        try {
            return json.readValue(raw, Delivery.class);
        } catch (JsonProcessingException e) {
            LOG_.debugf("unreadable delivery line skipped: %s", e.getOriginalMessage());
            return null;
        }
    }

    String write(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
