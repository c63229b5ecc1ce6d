package io.callauth.webhooks;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** Webhooks: where events may be sent, how deliveries are paced, how endpoint secrets are kept. */
@ConfigMapping(prefix = "callauth.webhooks")
public interface WebhooksConfig {

    /** whether {@code http://} endpoints are accepted (prod: {@code https} only; dev and test: both) */
    @WithDefault("false")
    boolean allowHttp();

    /**
     * Hosts allowed even though they resolve to a loopback, private, link-local or metadata address: a host name or
     * an address literal exactly as written in the URL (case-insensitive, an IPv6 literal without its brackets),
     * such as {@code 127.0.0.1} for a test receiver or {@code hooks.internal.example} for an in-house SIEM collector.
     */
    Optional<Set<String>> allowedHosts();

    /** how long one try waits for the endpoint's answer (connect, send, status line) */
    @WithDefault("10S")
    Duration timeout();

    /** requests in flight to one endpoint at once, per replica */
    @WithDefault("16")
    int maxConcurrencyPerEndpoint();

    /** requests in flight to all endpoints at once, per replica */
    @WithDefault("256")
    int maxConcurrency();

    /** events per request of a {@code batch} endpoint */
    @WithDefault("500")
    int batchMax();

    /** an endpoint whose every try has failed for this long is disabled */
    @WithDefault("3D")
    Duration disableAfter();

    /** how long the deliveries log keeps a delivery */
    @WithDefault("7D")
    Duration retention();

    /**
     * The key endpoint secrets are encrypted with in Redis (any text, at least 32 characters, used through HKDF);
     * unset: derived from {@code callauth.code-secret}. Changing it makes the stored secrets unreadable.
     */
    Optional<String> secretKey();
}
