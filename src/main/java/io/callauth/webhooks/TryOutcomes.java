package io.callauth.webhooks;

import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a try's answer does: a 2xx ends its events as delivered; a 410 ends them as failed and disables the endpoint;
 * anything else (another status, a timeout, a refused connection or target) makes them due again on the
 * {@link RetrySchedule} (or the {@code Retry-After} of a 429 / 503), or failed when no try is left. An endpoint whose
 * every try failed for {@code callauth.webhooks.disable-after} (3 days) is disabled, and a {@code webhook.disabled}
 * event goes to the fraud keys' endpoints. Blocking: worker threads only.
 */
@ApplicationScoped
public class TryOutcomes {

    private static final Logger LOG = Logger.getLogger(TryOutcomes.class);
    static final int GONE = 410;

    private final DeliveryQueue queue;
    private final WebhookStore store;
    private final EventPublisher publisher;
    private final WebhooksConfig config;
    private final Clock clock;
    private final RetrySchedule schedule = RetrySchedule.jittered();

    public TryOutcomes(DeliveryQueue queue, WebhookStore store, EventPublisher publisher, WebhooksConfig config,
                       Clock clock) {
        this.queue = queue;
        this.store = store;
        this.publisher = publisher;
        this.config = config;
        this.clock = clock;
    }

    /** records the answer of one request carrying {@code claimed} tries, claimed under {@code token} */
    public void record(Endpoint endpoint, String token, List<DeliveryQueue.Claimed> claimed, WebhookHttp.Answer answer) {
        Instant now = clock.instant();
        List<DeliveryQueue.Completion> done = new ArrayList<>();
        boolean gone = answer.status() != null && answer.status() == GONE;
        for (DeliveryQueue.Claimed c : claimed) {
            Delivery d = c.delivery() != null ? c.delivery()
                    : new Delivery(c.eventId(), "", DeliveryStatus.PENDING, 0, null, null, null, now);
            if (answer.delivered()) {
                done.add(new DeliveryQueue.Completion(c.eventId(), null,
                        d.tried(DeliveryStatus.DELIVERED, answer.status(), null, null)));
                continue;
            }
            Optional<Duration> wait = gone ? Optional.empty() : schedule.next(d.tries() + 1, answer.retryAfter());
            Instant next = wait.map(now::plus).orElse(null);
            done.add(new DeliveryQueue.Completion(c.eventId(), next == null ? null : next.toEpochMilli(),
                    d.tried(next == null ? DeliveryStatus.FAILED : DeliveryStatus.PENDING, answer.status(),
                            answer.error(), next)));
        }
        Long failingSince = queue.complete(endpoint.id(), token, answer.delivered(), done);
        if (gone) {
            disable(endpoint.id(), "the endpoint answered 410 Gone", now);
        } else if (failingSince != null && now.toEpochMilli() - failingSince >= config.disableAfter().toMillis()) {
            disable(endpoint.id(), "every try failed since " + Instant.ofEpochMilli(failingSince), now);
        }
    }

    /** disables an endpoint (once) and tells the fraud keys' endpoints */
    void disable(String endpointId, String reason, Instant now) {
        Optional<Endpoint> current = store.get(endpointId);
        if (current.isEmpty() || !current.get().enabled()) {
            return;
        }
        Endpoint ep = current.get();
        store.put(ep.disabled(reason));
        LOG.warnf("webhook endpoint %s of key %s disabled: %s", ep.id(), ep.apiKey(), reason);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("webhookId", ep.id());
        data.put("apiKey", ep.apiKey());
        data.put("reason", reason);
        data.put("at", now);
        publisher.publish(new Event(Event.idOf("webhook.disabled:" + ep.id() + ":" + now.toEpochMilli()),
                EventType.WEBHOOK_DISABLED, now, data, null));
    }
}
