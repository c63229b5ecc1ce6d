package io.callauth.attempts;

import java.util.Map;
import java.util.TreeMap;

/**
 * Seconds to approve kept as a histogram: each approval adds one to the count of its rounded seconds (to the second
 * below 2 minutes, to 10 s below 10 minutes, to the minute above). The median of a histogram is the median of the
 * rounded values, computed as {@code percentile_cont(0.5)} would: exact for whole seconds under 2 minutes, within
 * half a second otherwise below 2 minutes, within 5 s below 10 minutes.
 */
final class ApprovalTimes {

    private final TreeMap<Integer, Long> counts = new TreeMap<>();
    private long total;

    private ApprovalTimes() {
    }

    static ApprovalTimes empty() {
        return new ApprovalTimes();
    }

    /** the value an approval after {@code seconds} is counted under (the same rule as the V3 migration) */
    static int round(double seconds) {
        double s = Math.max(0, seconds);
        if (s < 119.5) {
            return (int) Math.round(s);
        }
        if (s < 595) {
            return (int) Math.round(s / 10) * 10;
        }
        return (int) Math.round(s / 60) * 60;
    }

    void add(int seconds, long n) {
        if (n > 0) {
            counts.merge(seconds, n, Long::sum);
            total += n;
        }
    }

    void addAll(ApprovalTimes other) {
        other.counts.forEach(this::add);
    }

    /** the median seconds to one decimal, or null when nothing was approved */
    Double median() {
        if (total == 0) {
            return null;
        }
        // percentile_cont(0.5) over the sorted values: the mean of the two middle ones (the same one when odd)
        long lo = (total - 1) / 2;
        long hi = total / 2;
        Integer a = null;
        Integer b = null;
        long seen = 0;
        for (Map.Entry<Integer, Long> e : counts.entrySet()) {
            long next = seen + e.getValue();
            if (a == null && lo < next) {
                a = e.getKey();
            }
            if (hi < next) {
                b = e.getKey();
                break;
            }
            seen = next;
        }
        return Math.round((a + b) * 5.0) / 10.0;
    }
}
