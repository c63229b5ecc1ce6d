package io.callauth.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callauth.common.LuaScript;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
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
 * Blocking: worker threads only.
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
        List<Claimed> out = new ArrayList<>();
        for (int i = 0; r != null && i + 2 < r.size(); i += 3) {
            String id = r.get(i).toString();
            String body = r.get(i + 1).toString();
            Delivery d = readDelivery(r.get(i + 2).toString());
            out.add(new Claimed(id, body, d));
        }
        return out;
    }

    /** how a claimed try ended: {@code nextDueMillis} null when it is done (delivered, or no try left) */
    public record Completion(String eventId, Long nextDueMillis, Delivery delivery) {
    }

    /**
     * Ends claimed tries (one round trip); answers since when (ms) every try of the endpoint failed, or null when
     * one was delivered now.
     */
    public Long complete(String endpointId, String token, boolean delivered, List<Completion> done) {
        List<String> args = new ArrayList<>(3 + done.size() * 3);
        args.add(token);
        args.add(Long.toString(clock.millis()));
        args.add(delivered ? "1" : "0");
        for (Completion c : done) {
            args.add(c.eventId());
            args.add(c.nextDueMillis() == null ? "done" : Long.toString(c.nextDueMillis()));
            args.add(write(c.delivery()));
        }
        Response r = COMPLETE.call(redis, List.of(key(endpointId, DUE), key(endpointId, BODIES),
                key(endpointId, CLAIMS), key(endpointId, LOG), key(endpointId, HEALTH)), args).await().atMost(WAIT);
        return r == null || r.toString() == null || r.toString().isEmpty() ? null : Long.valueOf(r.toString());
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
