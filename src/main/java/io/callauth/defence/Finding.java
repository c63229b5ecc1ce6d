package io.callauth.defence;

import java.util.Map;

/**
 * A signal that passed its threshold for one dimension's value: which ({@link Signal}), and the evidence in figures
 * (the window's counts, the baseline, the thresholds crossed).
 */
public record Finding(Dimension dimension, String value, Signal signal, Map<String, Object> evidence) {

    /** the reason a rule gives, in figures: "burst: 8 starts in 60 s, 0 approved, 100% never seen, baseline 0.2" */
    public String reason() {
        Object starts = evidence.get("starts");
        return "auto " + signal.wire() + ": " + starts + " starts in " + evidence.get("windowSeconds") + " s, "
                + evidence.get("approved") + " approved, " + Math.round(100 * ((Number) evidence.getOrDefault(
                "neverSeenShare", 0)).doubleValue()) + "% never seen, baseline " + evidence.get("baselineStarts")
                + " starts at " + Math.round(100 * ((Number) evidence.getOrDefault("baselineConversion", 0))
                .doubleValue()) + "% conversion";
    }
}
