package io.callauth.defence;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;

/**
 * The automatic defence against pumping ({@code callauth.defence.*}). The defaults and why they are what they are are
 * in the README's "Defence" section; in short: an 8-digit range holds 1,000 numbers (+7) and legitimate traffic reaches
 * one of them a few times a day, so a handful of starts into one range within a minute, with no approval and numbers
 * never seen approved, is already far outside what users do; wider dimensions (a carrier, a country, an app) are
 * blocked only on a collapse of their conversion at a volume well above their baseline.
 */
@ConfigMapping(prefix = "callauth.defence")
public interface DefenceConfig {

    /** {@code off}, {@code monitor} (monitor-mode rules: refuse nothing, log) or {@code enforce} */
    @WithDefault("enforce")
    DefenceMode mode();

    /** the width of one counting bucket of the sliding windows */
    @WithDefault("10s")
    Duration bucket();

    /** the short window (bursts) */
    @WithDefault("60s")
    Duration shortWindow();

    /** the long window (slow spreads, conversion, the wide dimensions) */
    @WithDefault("10m")
    Duration longWindow();

    /** how long a number approved once counts as seen (not "never seen") */
    @WithDefault("30d")
    Duration seenFor();

    /** the expiry of an automatic block: the first, then the repeats within {@link #repeatWithin()} */
    @WithDefault("15m,1h,6h,24h")
    List<Duration> escalation();

    /** a block within this long of an earlier one of the same dimension and value is a repeat */
    @WithDefault("7d")
    Duration repeatWithin();

    /** after a release by hand, how long the defence leaves the dimension and value alone */
    @WithDefault("15m")
    Duration quietAfterRelease();

    /** how long released and expired blocks stay listed */
    @WithDefault("7d")
    Duration keepReleased();

    /** how often one worker re-learns the baselines from the archive's rollups */
    @WithDefault("1h")
    Duration baselineRefresh();

    /** how many weeks of rollups the baselines are learned from */
    @WithDefault("4")
    int baselineWeeks();

    /** the consumer's pause between rounds: bursts are caught in well under a second */
    @WithDefault("200ms")
    Duration tick();

    /** most attempt records handed in one batch */
    @WithDefault("500")
    int batchSize();

    /** the signals' thresholds */
    Thresholds thresholds();

    interface Thresholds {
        /** burst: starts into one range within the short window */
        @WithDefault("5")
        int burstStarts();

        /** slow spread: starts into one range within the long window */
        @WithDefault("6")
        int rangeStarts();

        /** a range's conversion (approved / started, long window) at or below this is "no approvals" */
        @WithDefault("0.1")
        double rangeMaxConversion();

        /** the share of numbers never seen approved at or above which a range's traffic is "fresh" */
        @WithDefault("0.7")
        double minNewShare();

        /** a dimension's starts must be at least this many times its baseline for the window */
        @WithDefault("5")
        double rateFactor();

        /** starts into numbers within {@link #neighbourDistance()} of another start of the range (long window) */
        @WithDefault("4")
        int neighbours();

        /** how close two numbers are to be neighbours */
        @WithDefault("10")
        int neighbourDistance();

        /** voice calls answered that nobody checked, in one range (long window) */
        @WithDefault("3")
        int answeredUnchecked();

        /** a carrier, country or app: starts in the long window */
        @WithDefault("60")
        int wideStarts();

        /** a carrier, country or app: its conversion at or below this share of its baseline's */
        @WithDefault("0.3")
        double wideConversionDrop();

        /** a carrier, country or app: the share of never-seen numbers at or above which it may be blocked */
        @WithDefault("0.5")
        double wideNewShare();

        /** a client network (/24, /48): starts in the long window */
        @WithDefault("20")
        int networkStarts();

        /** a device: starts in the long window */
        @WithDefault("5")
        int deviceStarts();

        /** the baseline's conversion when a dimension has no history */
        @WithDefault("0.5")
        double defaultConversion();

        /** the baseline's starts per long window when a range, network or device has no history */
        @WithDefault("1")
        double defaultStarts();

        /**
         * the baseline's starts per long window when a carrier, country or app has no history: high, so that a new
         * deployment blocks a whole carrier, country or app only at a volume far above its ordinary traffic (with the
         * rate factor: 500 starts in 10 minutes) and never for a drop of conversion alone (a provider's outage)
         */
        @WithDefault("100")
        double wideDefaultStarts();
    }
}
