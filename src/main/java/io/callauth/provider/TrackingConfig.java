package io.callauth.provider;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "callauth.tracking")
public interface TrackingConfig {
    /** how often each replica looks for due calls */
    @WithDefault("1S")
    Duration tick();

    /** time between two polls of one call */
    @WithDefault("2S")
    Duration pollInterval();

    /** a claimed call is another replica's again after this, if its poller died */
    @WithDefault("15S")
    Duration lease();

    /** calls claimed per tick and replica */
    @WithDefault("50")
    int batchSize();

    /** polls of one provider in flight at once, per replica: a slow provider is not flooded */
    @WithDefault("16")
    int maxConcurrentPolls();

    /** tracking ends at the ring timeout plus this */
    @WithDefault("5S")
    Duration grace();
}
