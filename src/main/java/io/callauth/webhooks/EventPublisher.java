package io.callauth.webhooks;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Queues events for the endpoints that receive them: an enabled endpoint that subscribes to the type, of the key the
 * verification belongs to, or of a fraud key ({@link Endpoint#wants}). One round trip per endpoint that gets any.
 * Blocking: worker threads only.
 */
@ApplicationScoped
public class EventPublisher {

    private final WebhookStore store;
    private final DeliveryQueue queue;

    public EventPublisher(WebhookStore store, DeliveryQueue queue) {
        this.store = store;
        this.queue = queue;
    }

    /** what a publish did: tries queued, and tries that were queued before (a batch handed twice) */
    public record Queued(int queued, int duplicates) {
    }

    /** queues each event for every enabled endpoint of {@code endpoints} that receives it */
    public Queued publish(List<Event> events, List<Endpoint> endpoints) {
        Map<Endpoint, List<Event>> byEndpoint = new LinkedHashMap<>();
        for (Event e : events) {
            for (Endpoint ep : endpoints) {
                if (ep.enabled() && ep.wants(e.type(), e.apiKey())) {
                    byEndpoint.computeIfAbsent(ep, k -> new ArrayList<>()).add(e);
                }
            }
        }
        int queued = 0;
        int all = 0;
        for (Map.Entry<Endpoint, List<Event>> m : byEndpoint.entrySet()) {
            queued += queue.enqueue(m.getKey().id(), m.getValue(), false);
            all += m.getValue().size();
        }
        return new Queued(queued, all - queued);
    }

    /** queues one event for every endpoint that receives it (events not made from the attempt stream) */
    public Queued publish(Event event) {
        return publish(List.of(event), store.all());
    }
}
