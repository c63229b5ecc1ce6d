package io.callauth.provider;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

@ConfigMapping(prefix = "callauth.providers")
public interface ProvidersConfig {
    /** ordered provider names; the first healthy one that serves the channel places the first call */
    Optional<List<String>> chain();

    /** circuit breaker of every provider client (state is per replica: it guards this replica's requests) */
    Circuit circuit();

    interface Circuit {
        /** requests in the rolling window */
        @WithDefault("10")
        int requestVolume();

        /** failure ratio that opens the circuit */
        @WithDefault("0.5")
        double failureRatio();

        /** how long the circuit stays open before a trial request */
        @WithDefault("30S")
        Duration delay();
    }
}
