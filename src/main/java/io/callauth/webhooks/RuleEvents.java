package io.callauth.webhooks;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callauth.rules.Rule;
import io.callauth.rules.RuleChanges;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The rules' changes as {@code rule.created} and {@code rule.deleted} events for the fraud keys' endpoints. Rule
 * changes are not attempt records: the rules tell them ({@link RuleChanges}) once stored, and they are queued here
 * directly, on a virtual thread (the rules' caller may be an event loop). A replica that dies between the change and
 * the queueing loses that one event (the rules' audit trail keeps the change); a change is queued once (its id comes
 * from the rule and the change).
 */
@ApplicationScoped
public class RuleEvents implements RuleChanges {

    private static final Logger LOG = Logger.getLogger(RuleEvents.class);

    private final EventPublisher publisher;
    private final ObjectMapper json;

    public RuleEvents(EventPublisher publisher, ObjectMapper json) {
        this.publisher = publisher;
        this.json = json;
    }

    @Override
    public void changed(Change change, Rule rule, String actor, Instant at) {
        Event event = event(change, rule, actor, at);
        Thread.ofVirtual().name("webhook-rule-event").start(() -> {
            try {
                publisher.publish(event);
            } catch (RuntimeException e) {
                LOG.warnf("%s of rule %s not queued for webhooks: %s", event.type().wire(), rule.id(), e.toString());
            }
        });
    }

    Event event(Change change, Rule rule, String actor, Instant at) {
        EventType type = change == Change.CREATED ? EventType.RULE_CREATED : EventType.RULE_DELETED;
        Map<String, Object> data = new LinkedHashMap<>(json.convertValue(rule, new TypeReference<Map<String, Object>>() {
        }));
        data.remove("hits");
        data.put("actor", actor);
        data.put("at", at);
        return new Event(Event.idOf(type.wire() + ":" + rule.id()), type, at, data, null);
    }
}
