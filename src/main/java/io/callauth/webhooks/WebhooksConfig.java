package io.callauth.webhooks;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** TEMPORARY stand-in for wt-21b's WebhooksConfig (same shape); replaced by theirs on merge. */
@ConfigMapping(prefix = "callauth.webhooks")
public interface WebhooksConfig {
    @WithDefault("false")
    boolean allowHttp();

    Optional<List<String>> allowedHosts();

    @WithDefault("10S")
    Duration timeout();

    @WithDefault("4")
    int maxConcurrencyPerEndpoint();

    @WithDefault("64")
    int maxConcurrency();

    @WithDefault("500")
    int batchMax();

    @WithDefault("3D")
    Duration disableAfter();

    @WithDefault("7D")
    Duration retention();

    Optional<String> secretKey();
}
