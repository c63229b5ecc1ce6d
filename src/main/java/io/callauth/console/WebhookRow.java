package io.callauth.console;

import io.callauth.webhooks.Delivery;
import io.callauth.webhooks.WebhookView;

import java.util.List;

/**
 * One webhook endpoint as the console shows it: its settings (a {@link WebhookView} never holds a secret outside the
 * answers to registration and rotation), its health, its newest events whose last try failed (pending another try,
 * or failed for good), and {@code mine}: registered by the signed-in key, the only one that may change it.
 */
public record WebhookRow(WebhookView endpoint, WebhookHealth health, List<Delivery> failures, boolean mine) {

    /** the newest failed try, or null */
    public Delivery lastFailure() {
        return failures.isEmpty() ? null : failures.getFirst();
    }
}
