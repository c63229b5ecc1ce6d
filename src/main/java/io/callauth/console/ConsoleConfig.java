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

    /**
     * How often the overview's long windows (7 and 30 days, whose rollups take seconds to add up on a busy archive) are
     * recomputed: a page shows the last computation (its time on the page) and, when it is older than this, one
     * replica recomputes it in the background; older than ten times this, the page waits for a fresh one.
     */
    @WithDefault("1M")
    Duration overviewRefresh();

    /**
     * Failed sign-ins allowed per client address (the TCP peer, or behind a trusted proxy the forwarded address),
     * e.g. {@code 10/15m}; {@code off} for none. A successful sign-in does not count.
     */
    @WithDefault("10/15m")
    String signInLimit();

    /**
     * The expiry a one-click block (from an attempts cell or an overview row) proposes, from now; the analyst may
     * change it in the dialog. A day: long enough to outlast a night's attack, short enough that a wrong block at
     * 3 a.m. does not refuse real users for a week.
     */
    @WithDefault("24H")
    Duration blockExpiry();

    /**
     * The longest time span the attempt log's total and top values are counted over: the filter's own window, cut to
     * this much before its end (the last this-long when it has none), so that they stay fast on a big archive.
     */
    @WithDefault("24H")
    Duration statsWindow();
}
