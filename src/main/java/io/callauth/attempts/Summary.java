package io.callauth.attempts;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/attempts/summary}: the window (widened to whole hours), the grouping, one group per key and the
 * total. Approvals count in the hour and dimensions their verification started in, so conversion is that of the
 * verifications started in the window.
 */
public record Summary(Instant from, Instant to, String groupBy, List<Group> groups, Group total) {

    public record Group(String key, long started, long approved, Double conversionRate, long callsPlaced,
                        long callsDelivered, Map<String, Long> refusals, Double medianSecondsToApprove) {

        static Group of(String key, AttemptArchive.Counts c, Double median) {
            Double rate = c.started() == 0 ? null
                    : Math.min(1.0, Math.round(c.approved() * 10_000.0 / c.started()) / 10_000.0);
            return new Group(key, c.started(), c.approved(), rate, c.callsPlaced(), c.callsDelivered(), c.refusals(),
                    median);
        }
    }
}
