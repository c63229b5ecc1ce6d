package io.callauth.console;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The fraud team's console at {@code /console}. */
@ConfigMapping(prefix = "callauth.console")
public interface ConsoleConfig {

    /** how long a console session lives after sign-in (the cookie's Max-Age and the Redis key's TTL) */
    @WithDefault("8H")
    Duration sessionTtl();

    /** whether the session cookie carries {@code Secure} (browsers send it over HTTPS and to localhost only) */
    @WithDefault("true")
    boolean secureCookie();

    /** records per page of the attempt log */
    @WithDefault("50")
    int pageSize();
}
