package io.callauth.console;

import java.time.Instant;
import java.util.List;

/** What the overview page shows for one window. */
public record Overview(String window, Instant from, Instant to, Totals totals, String chartJson,
                       List<Breakdown> breakdowns, List<Alert> alerts, long millis, Instant computedAt, Spend spend) {

    /** when these figures were read from the rollups: "2026-12-01 09:41:07" */
    public String computedLabel() {
        return computedAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString().replace("T", " ").replace("Z", "");
    }


    /** "2026-11-30 09:00 – 2026-12-01 09:00" */
    public String range() {
        return minutes(from) + " – " + minutes(to);
    }

    static String minutes(Instant i) {
        return i.toString().replace("T", " ").replaceFirst(":00(\\.0+)?Z$", "").replace("Z", "");
    }

    /** the window's counters (from the hourly rollups) */
    public record Totals(long started, long approved, long callsPlaced, long callsDelivered, long refused,
                        List<Refusal> refusals) {
        public String conversion() {
            return Overview.percent(started, approved);
        }
    }

    public record Refusal(String rule, long count) {
    }

    /** conversion by one dimension (country, prefix, provider, app), this window against the previous one */
    public record Breakdown(String dim, String title, List<Row> rows, int more) {
    }

    public record Row(String key, String link, long started, long approved, String conversion, String previous,
                      boolean drop) {
    }

    /**
     * an hour of a country or prefix whose conversion fell below the toll-fraud monitor's drop ratio of its previous
     * 24 hours (the monitor's own rule, evaluated over the archive's rollups)
     */
    public record Alert(Instant hour, String scope, String key, String link, long started, long approved,
                        String conversion, String baseline) {
        public String hourLabel() {
            return minutes(hour);
        }
    }

    /**
     * With costs configured (else null): what the window's calls cost, in total and by provider, country, prefix and
     * app, and the calls refused starts did not place with their would-be cost, by rule
     */
    public record Spend(String total, long prevented, String preventedCost, List<PreventedRule> preventedByRule,
                        List<SpendBreakdown> breakdowns) {
    }

    public record PreventedRule(String rule, long calls, String cost) {
    }

    /** spend by one dimension, the largest first */
    public record SpendBreakdown(String dim, String title, List<SpendRow> rows, int more) {
    }

    public record SpendRow(String key, String link, long callsPlaced, String spend) {
    }

    /** an amount as the overview shows it: "1,234.50" */
    static String money(double v) {
        return String.format(java.util.Locale.ROOT, "%,.2f", v);
    }

    static String percent(long started, long approved) {
        if (started == 0) {
            return "–";
        }
        return String.format(java.util.Locale.ROOT, "%.1f%%", Math.min(100.0, approved * 100.0 / started));
    }
}
