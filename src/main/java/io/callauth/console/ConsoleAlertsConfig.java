package io.callauth.console;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The overview's alerts on absolute evidence: a number range (8-digit prefix) or an app with many starts and almost
 * no approvals in an hour (in the 15-minute window: in those minutes), whatever its history. The toll-fraud drop
 * alerts ({@code callauth.toll-fraud.*}) need a previous day with approvals, which a freshly pumped range never has.
 */
@ConfigMapping(prefix = "callauth.console.alerts")
public interface ConsoleAlertsConfig {

    /**
     * Starts a range or app needs in the hour before its conversion counts as evidence. 20: an 8-digit range holds
     * 100 numbers, and real users rarely bring more than a handful of them a verification in one hour, while a pump
     * at the static prefix limit (50 per 10 minutes) brings 300; 20 starts at almost no approvals is not chance.
     */
    @WithDefault("20")
    int minStarts();

    /**
     * The conversion (approved / started) at or below which those starts are evidence. 0.1: real traffic converts at
     * 60 to 90 %, and the approvals of the last minutes still to come lower a current hour by a few points at most;
     * a pump converts at nearly 0 (no one reads the code).
     */
    @WithDefault("0.1")
    double maxConversion();

    /** the most ranges the overview names as throttled by the static prefix limit (those with the most refusals) */
    @WithDefault("20")
    int throttledShown();
}
