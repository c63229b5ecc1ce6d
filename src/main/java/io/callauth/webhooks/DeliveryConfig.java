package io.callauth.webhooks;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How webhook delivery runs on worker replicas ({@code callauth.webhooks.delivery.*}). */
@ConfigMapping(prefix = "callauth.webhooks.delivery")
public interface DeliveryConfig {

    /** whether this replica queues and sends webhook events at all (on worker replicas) */
    @WithDefault("true")
    boolean enabled();

    /** the pause between two rounds of the sender (each claims what is due) */
    @WithDefault("250MS")
    Duration tick();

    /**
     * how long a sender owns the tries it claimed: past it (the sender died) they are due again for any replica; more
     * than the request timeout
     */
    @WithDefault("30S")
    Duration lease();
}
