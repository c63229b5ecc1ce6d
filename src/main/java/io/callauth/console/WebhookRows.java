package io.callauth.console;

import io.callauth.common.ApiProblem;
import io.callauth.security.ApiKey;
import io.callauth.security.Role;
import io.callauth.webhooks.Delivery;
import io.callauth.webhooks.DeliveryLog;
import io.callauth.webhooks.DeliveryStatus;
import io.callauth.webhooks.Endpoint;
import io.callauth.webhooks.WebhookView;
import io.callauth.webhooks.Webhooks;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the console's Webhooks pages show of an endpoint: its settings (never a secret: {@link WebhookView} without
 * one), its health over a window (delivered, pending and failed events queued in the window, read from the deliveries
 * log) and its recent failures. Read through the webhooks backend's own classes, with the rights of the signed-in
 * fraud key: it sees every endpoint, and changes (test, replay, enable, disable) only its own, as in the API.
 * Blocking: worker threads only.
 */
@ApplicationScoped
public class WebhookRows {

    /** the health windows the page offers, by name */
    static final Map<String, Duration> WINDOWS = Map.of("24h", Duration.ofHours(24), "7d", Duration.ofDays(7));
    static final List<String> WINDOW_NAMES = List.of("24h", "7d");
    static final String DEFAULT_WINDOW = "24h";
    /** the newest lines of the log one endpoint's health is counted over */
    static final int SCAN = DeliveryLog.MAX;
    /** how many recent failures a row lists */
    static final int FAILURES = 5;

    private final Webhooks webhooks;
    private final DeliveryLog log;
    private final Clock clock;

    public WebhookRows(Webhooks webhooks, DeliveryLog log, Clock clock) {
        this.webhooks = webhooks;
        this.log = log;
        this.clock = clock;
    }

    /** every endpoint, oldest first */
    List<WebhookRow> all(ConsoleSession s, String window) {
        ApiKey key = key(s);
        return webhooks.list(key).stream().map(v -> row(v, key, window)).toList();
    }

    /** one endpoint (404 when there is none) */
    WebhookRow one(ConsoleSession s, String id, String window) {
        ApiKey key = key(s);
        Endpoint e = webhooks.visible(key, id); // 404 problem for an unknown id, named safely
        WebhookView v = webhooks.list(key).stream().filter(x -> x.id().equals(e.id())).findFirst()
                .orElseThrow(() -> ApiProblem.notFound("no webhook " + e.id()));
        return row(v, key, window);
    }

    /** the endpoint's newest deliveries of the last 7 days, of one status when given */
    List<Delivery> deliveries(String endpointId, Optional<DeliveryStatus> status, int limit) {
        return log.recent(endpointId, status, limit);
    }

    /** a known window name, else the default */
    static String window(String w) {
        return w != null && WINDOWS.containsKey(w) ? w : DEFAULT_WINDOW;
    }

    /**
     * The signed-in console user as the webhooks backend knows a caller: the fraud key the session was opened with
     * (only a fraud key can sign in), by name; the backend never needs its secret.
     */
    static ApiKey key(ConsoleSession s) {
        return new ApiKey(s.user(), EnumSet.of(Role.FRAUD), new byte[0]);
    }

    private WebhookRow row(WebhookView v, ApiKey key, String window) {
        List<Delivery> lines = log.recent(v.id(), Optional.empty(), SCAN);
        Instant since = clock.instant().minus(WINDOWS.get(window(window)));
        int delivered = 0;
        int pending = 0;
        int failed = 0;
        for (Delivery d : lines) {
            if (d.createdAt() == null || d.createdAt().isBefore(since)) {
                continue;
            }
            switch (d.status()) {
                case DELIVERED -> delivered++;
                case PENDING -> pending++;
                case FAILED -> failed++;
            }
        }
        boolean capped = lines.size() >= SCAN && lines.getLast().createdAt() != null
                && !lines.getLast().createdAt().isBefore(since);
        List<Delivery> failures = lines.stream().filter(WebhookRows::lastTryFailed).limit(FAILURES).toList();
        return new WebhookRow(v, new WebhookHealth(window(window), delivered, pending, failed, capped), failures,
                v.apiKey().equals(key.name()));
    }

    /** a try was made and did not deliver: pending another, or failed for good */
    static boolean lastTryFailed(Delivery d) {
        return d.status() == DeliveryStatus.FAILED || d.status() == DeliveryStatus.PENDING && d.tries() > 0;
    }
}
