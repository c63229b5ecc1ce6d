package io.callauth.common;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code callauth.dev}: dev mode's conveniences (never used in prod). */
@ConfigMapping(prefix = "callauth.dev")
public interface DevConfig {

    /** the dev API key the dev banner prints (its hash is in the dev profile's api-keys) */
    @WithDefault("dev-key-change-me")
    String apiKey();

    /** sha256 of the dev API key, referenced by the dev and test profiles' api-keys */
    @WithDefault("57c8139db7290a9064aa57837c951138a32df40cca3aca526319f55651368823")
    String apiKeySha256();

    /** seed a realistic day of traffic into the archive at start (needs the sandbox provider) */
    @WithDefault("false")
    boolean seedDay();
}
