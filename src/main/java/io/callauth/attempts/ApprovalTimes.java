package io.callauth.attempts;

/**
 * Seconds to approve are kept as hourly histograms ({@code attempt_approval_times}): each approval adds one to the
 * count of its rounded seconds, to the second below 2 minutes, to 10 s below 10 minutes, to the minute above. The
 * median a summary reports is the median of the rounded values ({@link AttemptArchive#medianSecondsToApprove}):
 * exact for whole seconds under 2 minutes, within half a second otherwise below 2 minutes, within 5 s below 10 minutes.
 */
final class ApprovalTimes {

    private ApprovalTimes() {
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
}
