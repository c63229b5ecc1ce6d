package io.callauth.console;

import java.time.Instant;
import java.util.List;

/** What the overview page shows for one window. */
public record Overview(String window, Instant from, Instant to, Totals totals, String chartJson,
                       List<Breakdown> breakdowns, List<Alert> alerts, List<Throttled> throttled, long millis,
                       Instant computedAt, Spend spend) {

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
                      boolean drop, BlockTarget block) {
    }

    /** what an alert's figures cover */
    public enum Span {
        /** one hour of the rollups, starting at the alert's {@code hour} */
        HOUR("in the hour"),
        /** the last 15 minutes, starting at the alert's {@code hour} */
        RECENT("in these 15 minutes"),
        /** the whole window (no single hour had enough starts) */
        WINDOW("over the window");

        private final String text;

        Span(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }

        /** as a data attribute: hour, recent, window */
        public String css() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** why an alert fired */
    public enum AlertKind {
        /** conversion fell below the toll-fraud drop ratio of the previous 24 hours (needs approvals there) */
        DROP,
        /** many starts and almost no approvals in the hour, whatever came before (absolute evidence) */
        NO_APPROVALS;

        /** the alert's CSS class */
        public String css() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * {@link AlertKind#DROP}: an hour of a country or prefix whose conversion fell below the toll-fraud monitor's drop
     * ratio of its previous 24 hours (the monitor's own rule, evaluated over the archive's rollups);
     * {@link AlertKind#NO_APPROVALS}: an hour (the 15-minute window: those minutes) of a prefix or app with many starts
     * and almost no approvals. {@code baseline}: the previous 24 hours' conversion (drops only).
     */
    public record Alert(AlertKind kind, Span span, Instant hour, String scope, String key, String link, long started,
                        long approved, String conversion, String baseline, BlockTarget block) {
        /** when: the hour (the 15 minutes' start), or "whole window" */
        public String hourLabel() {
            return span == Span.WINDOW ? "whole window" : minutes(hour);
        }

        /** absolute evidence (many starts, almost no approvals), not a drop against a baseline */
        public boolean absolute() {
            return kind == AlertKind.NO_APPROVALS;
        }

        /** how the page names the scope: range, app, country */
        public String scopeLabel() {
            return switch (scope) {
                case "prefix" -> "range";
                case "appId" -> "app";
                default -> scope;
            };
        }
    }

    /** a range the static prefix limit refused starts into in this window, with its refusals */
    public record Throttled(String prefix, String link, long refused, BlockTarget block) {
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
