package io.callauth.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The registered endpoints, in one Redis hash {@value #REGISTRY} (endpoint id to its JSON, secrets sealed): few
 * entries, read whole by the delivery loops. Each endpoint's deliveries live under keys of their own hash tag
 * ({@link DeliveryQueue}); deleting an endpoint deletes them too. Blocking: worker threads only.
 */
@ApplicationScoped
public class WebhookStore {

    static final String REGISTRY = "ca:{wh}:endpoints";
    private static final Logger LOG = Logger.getLogger(WebhookStore.class);

    private final RedisDataSource redis;
    private final ObjectMapper json;

    public WebhookStore(RedisDataSource redis, ObjectMapper json) {
        this.redis = redis;
        this.json = json;
    }

    public void put(Endpoint e) {
        redis.execute("HSET", REGISTRY, e.id(), write(e));
    }

    public Optional<Endpoint> get(String id) {
        if (id == null || !id.matches("wh_[0-9a-f]{1,64}")) {
            return Optional.empty();
        }
        Response r = redis.execute("HGET", REGISTRY, id);
        return r == null ? Optional.empty() : read(id, r.toString());
    }

    /** every endpoint, oldest first */
    public List<Endpoint> all() {
        List<Endpoint> out = new ArrayList<>();
        redis.hash(String.class).hgetall(REGISTRY).forEach((k, v) -> read(k, v).ifPresent(out::add));
        out.sort(Comparator.comparing(Endpoint::createdAt).thenComparing(Endpoint::id));
        return out;
    }

    /** removes an endpoint and its deliveries; true when it existed */
    public boolean delete(String id) {
        Response r = redis.execute("HDEL", REGISTRY, id);
        redis.execute("DEL", DeliveryQueue.keys(id).toArray(String[]::new));
        return r != null && r.toLong() > 0;
    }

    private Optional<Endpoint> read(String id, String raw) {
        try {
            return Optional.of(json.readValue(raw, Endpoint.class));
        } catch (JsonProcessingException e) {
            LOG.warnf("unreadable webhook endpoint %s skipped: %s", id, e.getOriginalMessage());
            return Optional.empty();
        }
    }

    private String write(Endpoint e) {
        try {
            return json.writeValueAsString(e);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
