package io.callauth.common;

import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import java.util.Map;

/**
 * A {@code @ConfigMapping} built from a few properties, with the mapping's own defaults for the rest: tests build
 * provider clients (one per simulated replica) with exactly the settings they are about, as an operator would
 * write them.
 */
public final class Mappings {
    private Mappings() {
    }

    public static <T> T of(Class<T> mapping, Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(mapping)
                // Quarkus' duration syntax (30S, 12H), as in application.properties
                .withConverter(java.time.Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withDefaultValues(properties)
                .build();
        return config.getConfigMapping(mapping);
    }
}
