package io.callauth.fraud;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * The conversion-drop signal of toll fraud, read by the monitor (live, from Redis counters) and by the console (over
 * the archive's rollups): one definition, so both flag the same drops.
 */
@ConfigMapping(prefix = "callauth.toll-fraud")
public interface TollFraudConfig {

    /** starts a country or prefix needs in the hour (and in its baseline) before a drop counts */
    @WithDefault("20")
    int minVolume();

    /** a drop: the hour's conversion below this share of the baseline's */
    @WithDefault("0.5")
    double dropRatio();

    /** how often one replica evaluates the live signal */
    @WithDefault("5M")
    Duration evaluateEvery();
}
