package io.callauth.provider.chain;

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

    /**
     * how many hash tags (Redis Cluster slots) the due set and job table are spread over; every replica claims from
     * all of them. Raise it freely; lowering it leaves the calls of the dropped shards unfollowed
     */
    @WithDefault("8")
    int shards();

    /** calls claimed per tick and replica (over all shards) */
    @WithDefault("50")
    int batchSize();

    /** polls of one provider in flight at once, per replica: a slow provider is not flooded */
    @WithDefault("16")
    int maxConcurrentPolls();

    /** tracking ends at the ring timeout plus this */
    @WithDefault("5S")
    Duration grace();
}
