package io.callauth.attempts;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/attempts/summary}: the window (widened to whole hours), the grouping, one group per key and the
 * total. Approvals count in the hour and dimensions their verification started in, so conversion is that of the
 * verifications started in the window.
 */
@Schema(name = "AttemptSummary", description = "Counts over a window, per group and in total")
public record Summary(
        @Schema(required = true, description = "The window's start (widened to a whole hour)")
        Instant from,
        @Schema(required = true, description = "The window's end, exclusive (widened to a whole hour)")
        Instant to,
        @Schema(required = true, ref = io.callauth.openapi.NamedEnums.GROUP_BY, description = "What the groups are",
                examples = "country")
        String groupBy,
        @Schema(required = true, description = "One per key, keys in order")
        List<Group> groups,
        @Schema(required = true, description = "All groups together (`key` is null)")
        Group total) {

    @Schema(name = "AttemptSummaryGroup", description = "The counts of one group")
    public record Group(
            @Schema(required = true, nullable = true, description = "The group's value (`hour`, `day`: the start, "
                    + "an ISO-8601 instant in UTC); null for records without one, and in `total`", examples = "RU")
            String key,
            @Schema(required = true, description = "Verifications started")
            long started,
            @Schema(required = true, description = "Of those, approved")
            long approved,
            @Schema(required = true, nullable = true, description = "approved / started, 4 decimals; null when "
                    + "nothing started", examples = "0.7461")
            Double conversionRate,
            @Schema(required = true, description = "Calls placed (by the provider that placed them)")
            long callsPlaced,
            @Schema(required = true, description = "Calls delivered")
            long callsDelivered,
            @Schema(required = true, description = "Refused starts and resends by rule (by reason where no rule "
                    + "fired); what a rule in monitor mode would have refused is under `<rule> (monitor)` and was "
                    + "not refused", examples = "{\"destination\": 41, \"prefix\": 350}")
            Map<String, Long> refusals,
            @Schema(required = true, nullable = true, description = "Median seconds from start to approval; null "
                    + "when nothing was approved", examples = "14.5")
            Double medianSecondsToApprove,
            @Schema(required = true, description = "What the calls placed cost: each call at its provider's "
                    + "configured cost (`callauth.providers.<name>.cost` and its per-country and per-prefix "
                    + "overrides) when it was placed; 0 when no cost is configured", examples = "1234.5")
            double spend,
            @Schema(required = true, description = "The calls that rules, limits and the defence prevented: refused "
                    + "starts (not resends, not bad input, not what a monitor-mode rule would have refused), each a "
                    + "call not placed, at the cost the first provider for its destination would have charged. "
                    + "Counted only for refusals recorded with costs configured; zero without")
            Prevented prevented) {

        static Group of(String key, AttemptArchive.Counts c, Double median) {
            Double rate = c.started() == 0 ? null
                    : Math.min(1.0, Math.round(c.approved() * 10_000.0 / c.started()) / 10_000.0);
            return new Group(key, c.started(), c.approved(), rate, c.callsPlaced(), c.callsDelivered(), c.refusals(),
                    median, round(c.spend()), Prevented.of(c.prevented()));
        }
    }

    static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }

    @Schema(name = "AttemptSummaryPrevented", description = "Calls not placed because a start was refused, and their "
            + "would-be cost")
    public record Prevented(
            @Schema(required = true, description = "Refused starts that would have placed a call")
            long calls,
            @Schema(required = true, description = "What those calls would have cost: per call, the configured cost "
                    + "of the provider routing would have called first for the destination", examples = "12.4")
            double cost,
            @Schema(required = true, description = "The same per rule (per reason where no rule fired), as in "
                    + "`refusals`", examples = "{\"destination\": {\"calls\": 31, \"cost\": 12.4}}")
            Map<String, ByRule> byRule) {

        static Prevented of(Map<String, AttemptArchive.Prevented> byRule) {
            long calls = 0;
            double cost = 0;
            Map<String, ByRule> out = new java.util.TreeMap<>();
            for (var e : byRule.entrySet()) {
                calls += e.getValue().calls();
                cost += e.getValue().cost();
                out.put(e.getKey(), new ByRule(e.getValue().calls(), round(e.getValue().cost())));
            }
            return new Prevented(calls, round(cost), out);
        }
    }

    @Schema(name = "AttemptSummaryPreventedByRule", description = "The calls one rule (or reason) prevented")
    public record ByRule(
            @Schema(required = true, description = "Refused starts that would have placed a call")
            long calls,
            @Schema(required = true, description = "What those calls would have cost")
            double cost) {
    }
}
