package io.callauth.defence;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One dimension's value over the defence's two sliding windows, as the window script answered after counting a
 * batch: the short window's and the long window's counts.
 */
public record Window(Dimension dimension, String value, Counts recent, Counts window) {

    /**
     * Counts over a window: {@code starts}; {@code approved}; {@code fresh}, the starts into numbers never seen
     * approved; {@code neighbours}, the starts next to another start of the range; {@code answered}, the voice calls
     * answered; {@code checks}, the codes checked.
     */
    public record Counts(long starts, long approved, long fresh, long neighbours, long answered, long checks) {

        public double conversion() {
            return starts == 0 ? 0 : Math.min(1.0, (double) approved / starts);
        }

        public double freshShare() {
            return starts == 0 ? 0 : (double) fresh / starts;
        }

        public long answeredUnchecked() {
            return Math.max(0, answered - checks);
        }
    }

    /** the figures, for evidence */
    static Map<String, Object> figures(Counts c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("starts", c.starts());
        m.put("approved", c.approved());
        m.put("conversion", round(c.conversion()));
        m.put("neverSeenShare", round(c.freshShare()));
        m.put("neighbours", c.neighbours());
        m.put("answeredUnchecked", c.answeredUnchecked());
        return m;
    }

    static double round(double d) {
        return Math.round(d * 1000) / 1000.0;
    }
}
