package io.callauth.webhooks;

import io.callauth.common.ApiProblem;
import io.callauth.common.Ids;
import io.callauth.security.ApiKey;
import io.callauth.security.Role;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The webhooks' use cases, for the API and the console: register, list, read, change, delete, rotate the secret,
 * send a test event. Who may do what: a key sees and manages its own endpoints; a key with the fraud role also sees
 * (never with a secret) every other key's endpoints and their deliveries. Blocking: worker threads only.
 */
@ApplicationScoped
public class Webhooks {

    private static final Logger LOG = Logger.getLogger(Webhooks.class);

    private final WebhookStore store;
    private final DeliveryQueue queue;
    private final Targets targets;
    private final SecretBox box;
    private final WebhookValidation validation;
    private final Clock clock;

    public Webhooks(WebhookStore store, DeliveryQueue queue, Targets targets, SecretBox box,
                    WebhookValidation validation, Clock clock) {
        this.store = store;
        this.queue = queue;
        this.targets = targets;
        this.box = box;
        this.validation = validation;
        this.clock = clock;
    }

    /** registers an endpoint; the answer carries its secret, shown only here (and on rotation) */
    public WebhookView create(ApiKey key, WebhookRequests.Create req) {
        validation.check(req, "a JSON body with url and events is required");
        boolean fraud = key.has(Role.FRAUD);
        List<String> events = WebhookValidation.events(req.events(), fraud);
        targets.checkAtRegistration(req.url().strip());
        String secret = Signatures.newSecret();
        Endpoint e = new Endpoint(Ids.random("wh_", 8), key.name(), fraud, req.url().strip(), events,
                req.description(), req.format() == null ? Format.SINGLE : Format.of(req.format()), true, null,
                clock.instant(), List.of(new Endpoint.StoredSecret(box.seal(secret), null)));
        store.put(e);
        LOG.infof("webhook endpoint %s registered by %s for %s", e.id(), key.name(), events);
        return WebhookView.of(e).withSecret(secret, null);
    }

    /** the endpoints the key may see: its own, or (fraud role) every one; oldest first */
    public List<WebhookView> list(ApiKey key) {
        return store.all().stream().filter(e -> key.has(Role.FRAUD) || e.apiKey().equals(key.name()))
                .map(WebhookView::of).toList();
    }

    /** an endpoint the key may see (its own; any, with the fraud role), else 404 */
    public Endpoint visible(ApiKey key, String id) {
        return store.get(id).filter(e -> key.has(Role.FRAUD) || e.apiKey().equals(key.name()))
                .orElseThrow(() -> notFound(id));
    }

    /** an endpoint the key owns, else 404 (another key's endpoint is not named to it) or 403 (a fraud key's look) */
    public Endpoint owned(ApiKey key, String id) {
        Endpoint e = visible(key, id);
        if (!e.apiKey().equals(key.name())) {
            throw ApiProblem.forbidden("only the API key that registered webhook " + e.id() + " may change it");
        }
        return e;
    }

    public WebhookView update(ApiKey key, String id, WebhookRequests.Update req) {
        validation.check(req, "a JSON body with url, events, enabled or description is required");
        Endpoint e = owned(key, id);
        List<String> events = req.events() == null ? e.events() : WebhookValidation.events(req.events(), e.fraud());
        String url = e.url();
        if (req.url() != null) {
            url = req.url().strip();
            targets.checkAtRegistration(url);
        }
        boolean enabled = req.enabled() == null ? e.enabled() : req.enabled();
        String reason = enabled ? null : req.enabled() != null ? "disabled by its key" : e.disabledReason();
        Endpoint changed = e.withSettings(url, events, req.description() == null ? e.description()
                : req.description(), enabled, reason);
        store.put(changed);
        if (enabled && !e.enabled()) {
            queue.resetHealth(e.id());
        }
        return WebhookView.of(changed);
    }

    public void delete(ApiKey key, String id) {
        Endpoint e = owned(key, id);
        store.delete(e.id());
        LOG.infof("webhook endpoint %s deleted by %s", e.id(), key.name());
    }

    /** a new secret; the old one signs beside it for 24 hours */
    public WebhookView rotate(ApiKey key, String id) {
        Endpoint e = owned(key, id);
        String secret = Signatures.newSecret();
        Instant now = clock.instant();
        Endpoint rotated = e.rotated(box.seal(secret), now);
        store.put(rotated);
        return WebhookView.of(rotated).withSecret(secret, now.plus(Endpoint.ROTATION_OVERLAP));
    }

    /** queues a {@code webhook.test} event for the endpoint (whatever it subscribes to); answers its id */
    public String test(ApiKey key, String id) {
        Endpoint e = owned(key, id);
        Instant now = clock.instant();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("webhookId", e.id());
        data.put("at", now);
        Event event = new Event(Ids.random("evt_", 16), EventType.WEBHOOK_TEST, now, data, key.name());
        queue.enqueue(e.id(), List.of(event), false);
        return event.id();
    }

    WebhookRequests.Replay checkReplay(WebhookRequests.Replay req) {
        return validation.check(req, "a JSON body with since is required");
    }

    static ApiProblem notFound(String id) {
        String safe = Optional.ofNullable(id).orElse("").replaceAll("[^A-Za-z0-9_]", "");
        return ApiProblem.notFound("no webhook " + (safe.length() > 40 ? safe.substring(0, 40) : safe));
    }
}
