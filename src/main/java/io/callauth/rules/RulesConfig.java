package io.callauth.rules;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The fraud team's runtime rules. */
@ConfigMapping(prefix = "callauth.rules")
public interface RulesConfig {

    /**
     * how often each replica checks the rule set's version in Redis (one GET); a change is enforced everywhere within
     * this interval plus one reload
     */
    @WithDefault("250ms")
    Duration refreshInterval();
}
