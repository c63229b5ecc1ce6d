package io.callauth.webhooks;

import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads an endpoint's deliveries log (written by {@link DeliveryQueue}): the events of the last
 * {@code callauth.webhooks.retention} (7 days), newest first. Blocking: worker threads only.
 */
@ApplicationScoped
public class DeliveryLog {

    /** most lines one answer reads */
    public static final int MAX = 1000;

    private final RedisDataSource redis;
    private final DeliveryQueue queue;
    private final WebhooksConfig config;
    private final Clock clock;

    public DeliveryLog(RedisDataSource redis, DeliveryQueue queue, WebhooksConfig config, Clock clock) {
        this.redis = redis;
        this.queue = queue;
        this.config = config;
        this.clock = clock;
    }

    /** the newest {@code limit} lines (of {@code status} when given) of the last 7 days */
    public List<Delivery> recent(String endpointId, Optional<DeliveryStatus> status, int limit) {
        long cutoff = clock.millis() - config.retention().toMillis();
        List<Delivery> out = new ArrayList<>();
        int offset = 0;
        int page = Math.max(limit, 100);
        while (out.size() < limit) {
            Response ids = redis.execute("ZREVRANGEBYSCORE", DeliveryQueue.key(endpointId, DeliveryQueue.LOG_TIMES),
                    "+inf", Long.toString(cutoff), "LIMIT", Integer.toString(offset), Integer.toString(page));
            if (ids == null || ids.size() == 0) {
                break;
            }
            List<String> args = new ArrayList<>();
            args.add(DeliveryQueue.key(endpointId, DeliveryQueue.LOG));
            for (Response id : ids) {
                args.add(id.toString());
            }
            Response lines = redis.execute("HMGET", args.toArray(String[]::new));
            for (int i = 0; lines != null && i < lines.size() && out.size() < limit; i++) {
                Response line = lines.get(i);
                Delivery d = line == null ? null : queue.readDelivery(line.toString());
                if (d != null && status.map(s -> s == d.status()).orElse(true)) {
                    out.add(d);
                }
            }
            if (ids.size() < page) {
                break;
            }
            offset += page;
        }
        return out;
    }
}
