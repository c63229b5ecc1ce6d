package io.callauth.webhooks;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
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
 * event goes to the fraud keys' endpoints.
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

    /**
     * Records the answer of one request carrying {@code claimed} tries and claims up to {@code claimNext} of the
     * endpoint's next due tries (until {@code leaseEnd}, ms) in the same round trip; answers those. Non-blocking: only
     * disabling the endpoint (a 410, or days of failures: rare) goes to a worker thread.
     */
    public Uni<List<DeliveryQueue.Claimed>> recordAndClaim(Endpoint endpoint, String token,
                                                          List<DeliveryQueue.Claimed> claimed,
                                                          WebhookHttp.Answer answer, int claimNext, long leaseEnd) {
        Instant now = clock.instant();
        List<DeliveryQueue.Completion> done = new ArrayList<>(claimed.size());
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
        return queue.completeAndClaim(endpoint.id(), token, answer.delivered(), done, claimNext, leaseEnd)
                .chain(completed -> {
                    Long failingSince = completed.failingSince();
                    String reason = gone ? "the endpoint answered 410 Gone"
                            : failingSince != null && now.toEpochMilli() - failingSince >= config.disableAfter().toMillis()
                            ? "every try failed since " + Instant.ofEpochMilli(failingSince) : null;
                    if (reason == null) {
                        return Uni.createFrom().item(completed.next());
                    }
                    return Uni.createFrom().item(() -> {
                        disable(endpoint.id(), reason, now);
                        return completed.next();
                    }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
                });
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
