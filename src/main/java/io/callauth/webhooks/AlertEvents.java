package io.callauth.webhooks;

import io.callauth.fraud.ConversionMonitor;
import io.callauth.fraud.FraudAlerts;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The toll-fraud monitor's alerts as {@code fraud.alert} events for the fraud keys' endpoints, queued directly (they
 * are not attempt records) on a virtual thread. One event per scope, key and hour: the monitor raises an alert again
 * at each evaluation of the hour, and the same id is queued once.
 */
@ApplicationScoped
public class AlertEvents implements FraudAlerts {

    private static final Logger LOG = Logger.getLogger(AlertEvents.class);

    private final EventPublisher publisher;

    public AlertEvents(EventPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public void raised(ConversionMonitor.Alert alert, long hour, Instant at) {
        Event event = event(alert, hour, at);
        Thread.ofVirtual().name("webhook-alert-event").start(() -> {
            try {
                publisher.publish(event);
            } catch (RuntimeException e) {
                LOG.warnf("fraud.alert not queued for webhooks: %s", e.toString());
            }
        });
    }

    static Event event(ConversionMonitor.Alert alert, long hour, Instant at) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("kind", "conversion_drop");
        data.put("scope", alert.scope());
        data.put("key", alert.key());
        data.put("started", alert.started());
        data.put("approved", alert.approved());
        data.put("conversion", alert.conversion());
        data.put("baseline", alert.baseline());
        data.put("at", at);
        return new Event(Event.idOf("fraud.alert:" + alert.scope() + ":" + alert.key() + ":" + hour),
                EventType.FRAUD_ALERT, at, data, null);
    }
}
