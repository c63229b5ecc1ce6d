package io.callauth.console;

/**
 * An endpoint's events queued in a window ({@code 24h} or {@code 7d}), by where they stand now; {@code capped} when
 * the window holds more events than the newest lines of the deliveries log they were counted over.
 */
public record WebhookHealth(String window, int delivered, int pending, int failed, boolean capped) {

    public int total() {
        return delivered + pending + failed;
    }
}
