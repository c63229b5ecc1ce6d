package io.callauth.console;

import io.agroal.api.AgroalDataSource;
import io.callauth.attempts.ArchiveQuery;
import io.callauth.attempts.AttemptArchive;
import io.callauth.fraud.TollFraudConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The overview's alerts over the hourly rollups: conversion drops (the toll-fraud monitor's rule), absolute evidence
 * (a range or app with many starts and almost no approvals in an hour, {@link ConsoleAlertsConfig}), and the ranges
 * the static prefix limit throttled. Blocking JDBC: worker threads.
 */
@ApplicationScoped
public class OverviewAlerts {

    /** the rule a refusal by the static prefix limit names ({@code callauth.rate-limits.prefix}) */
    static final String PREFIX_LIMIT = "prefix";
    private static final int MAX_ALERTS = 100;

    private final AttemptArchive archive;
    private final AgroalDataSource dataSource;
    private final int minVolume;
    private final double dropRatio;
    private final ConsoleAlertsConfig config;

    public OverviewAlerts(AttemptArchive archive, AgroalDataSource dataSource, TollFraudConfig tollFraud,
                          ConsoleAlertsConfig config) {
        this.archive = archive;
        this.dataSource = dataSource;
        this.minVolume = tollFraud.minVolume();
        this.dropRatio = tollFraud.dropRatio();
        this.config = config;
    }

    /**
     * The window's alerts, newest hour first: absolute evidence by hour, then over the whole window for the keys no
     * single hour named (a slow pump, below min-starts in every hour), then the drops of keys not named that hour.
     */
    List<Overview.Alert> alerts(Instant from, Instant to) throws SQLException {
        List<Overview.Alert> out = new ArrayList<>(absolute(from, to));
        Set<String> keys = new HashSet<>();
        out.forEach(a -> keys.add(a.scope() + " " + a.key()));
        if (Duration.between(from, to).compareTo(Duration.ofHours(1)) > 0) {
            absoluteOverWindow(from, to).stream().filter(a -> !keys.contains(a.scope() + " " + a.key()))
                    .forEach(out::add);
        }
        Set<String> named = new HashSet<>();
        out.forEach(a -> named.add(a.hour() + " " + a.scope() + " " + a.key()));
        for (Overview.Alert d : drops(from, to)) {
            if (!named.contains(d.hour() + " " + d.scope() + " " + d.key())) {
                out.add(d);
            }
        }
        // absolute evidence (red) first, newest hour first, then by starts
        out.sort(Comparator.comparing(Overview.Alert::kind, Comparator.reverseOrder())
                .thenComparing(Overview.Alert::hour, Comparator.reverseOrder())
                .thenComparing(Overview.Alert::started, Comparator.reverseOrder()));
        return out.size() > MAX_ALERTS ? List.copyOf(out.subList(0, MAX_ALERTS)) : out;
    }

    /** an alert of absolute evidence for a range or app: its starts and approvals in the span from {@code at} */
    Overview.Alert noApprovals(Overview.Span span, Instant at, String dim, String value, long started, long approved) {
        return new Overview.Alert(Overview.AlertKind.NO_APPROVALS, span, at, dim, value, link(dim, value), started,
                approved, Overview.percent(started, approved), null, block(dim, value, started + " starts, "
                        + approved + " approved " + span.text() + " from " + Overview.minutes(at)));
    }

    /** whether starts and approvals are absolute evidence of pumping */
    boolean evidence(long started, long approved) {
        return started >= config.minStarts() && approved <= started * config.maxConversion();
    }

    int minStarts() {
        return config.minStarts();
    }

    double maxConversion() {
        return config.maxConversion();
    }

    int throttledShown() {
        return config.throttledShown();
    }

    /** Absolute evidence by hour: a prefix or app row of the rollups with min-starts and at most max-conversion. */
    List<Overview.Alert> absolute(Instant from, Instant to) throws SQLException {
        archive.ensureSchema();
        String sql = """
                SELECT dim, value, hour, started, approved FROM attempt_rollups
                WHERE dim IN ('prefix', 'appId') AND hour >= ? AND hour < ? AND rule = '' AND value <> ''
                  AND started >= ? AND approved <= started * ?
                ORDER BY hour DESC, started DESC LIMIT""" + " " + MAX_ALERTS;
        List<Overview.Alert> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ArchiveQuery.customPlan(c);
            ps.setObject(1, utc(from));
            ps.setObject(2, utc(to));
            ps.setLong(3, config.minStarts());
            ps.setDouble(4, config.maxConversion());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(noApprovals(Overview.Span.HOUR, rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getString(1),
                            rs.getString(2), rs.getLong(4), rs.getLong(5)));
                }
            }
            c.commit();
        }
        return out;
    }

    /** Absolute evidence over the whole window: a prefix or app whose sums have min-starts and at most max-conversion. */
    List<Overview.Alert> absoluteOverWindow(Instant from, Instant to) throws SQLException {
        archive.ensureSchema();
        String sql = """
                SELECT dim, value, sum(started), sum(approved) FROM attempt_rollups
                WHERE dim IN ('prefix', 'appId') AND hour >= ? AND hour < ? AND rule = '' AND value <> ''
                GROUP BY dim, value HAVING sum(started) >= ? AND sum(approved) <= sum(started) * ?
                ORDER BY 3 DESC, dim, value LIMIT""" + " " + MAX_ALERTS;
        List<Overview.Alert> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ArchiveQuery.customPlan(c);
            ps.setObject(1, utc(from));
            ps.setObject(2, utc(to));
            ps.setLong(3, config.minStarts());
            ps.setDouble(4, config.maxConversion());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(noApprovals(Overview.Span.WINDOW, from, rs.getString(1), rs.getString(2), rs.getLong(3),
                            rs.getLong(4)));
                }
            }
            c.commit();
        }
        return out;
    }

    /**
     * The toll-fraud monitor's rule over the rollups: an hour of the window in which a country or prefix had at least
     * min-volume starts and converted at less than drop-ratio of its previous 24 hours (which had at least
     * min-volume starts and some approval). Only keys with such an hour are windowed, so a 30-day window reads the
     * rollup rows of the candidates, not of every prefix. The candidates are MATERIALIZED: computed once. Inlined,
     * a planner without fresh statistics (rollups just written, autovacuum not yet by) estimated one row on each side
     * and ran the candidates' index scan once per rollup row of the window: 5 to 11 s for a seeded day instead of 9 ms.
     */
    List<Overview.Alert> drops(Instant from, Instant to) throws SQLException {
        archive.ensureSchema();
        String sql = """
                WITH candidates AS MATERIALIZED (
                    SELECT DISTINCT dim, value FROM attempt_rollups
                    WHERE dim IN ('country', 'prefix') AND hour >= ? AND hour < ? AND rule = '' AND started >= ?
                      AND value <> ''),
                hours AS (
                    SELECT r.dim, r.value, r.hour, r.started, r.approved,
                           sum(r.started) OVER w AS base_started, sum(r.approved) OVER w AS base_approved
                    FROM attempt_rollups r JOIN candidates c ON c.dim = r.dim AND c.value = r.value
                    WHERE r.hour >= ? AND r.hour < ? AND r.rule = ''
                    WINDOW w AS (PARTITION BY r.dim, r.value ORDER BY r.hour
                                 RANGE BETWEEN interval '24 hours' PRECEDING AND interval '1 hour' PRECEDING))
                SELECT dim, value, hour, started, approved, base_started, base_approved FROM hours
                WHERE hour >= ? AND started >= ? AND coalesce(base_started, 0) >= ? AND coalesce(base_approved, 0) > 0
                  AND approved::float8 / started < (base_approved::float8 / base_started) * ?
                ORDER BY hour DESC, started DESC LIMIT""" + " " + MAX_ALERTS;
        List<Overview.Alert> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ArchiveQuery.customPlan(c);
            ps.setObject(1, utc(from));
            ps.setObject(2, utc(to));
            ps.setLong(3, minVolume);
            ps.setObject(4, utc(from.minus(Duration.ofHours(24))));
            ps.setObject(5, utc(to));
            ps.setObject(6, utc(from));
            ps.setLong(7, minVolume);
            ps.setLong(8, minVolume);
            ps.setDouble(9, dropRatio);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String dim = rs.getString(1);
                    String value = rs.getString(2);
                    Instant hour = rs.getObject(3, OffsetDateTime.class).toInstant();
                    long s = rs.getLong(4), a = rs.getLong(5), bs = rs.getLong(6), ba = rs.getLong(7);
                    out.add(new Overview.Alert(Overview.AlertKind.DROP, Overview.Span.HOUR, hour, dim, value, link(dim, value), s, a,
                            Overview.percent(s, a), Overview.percent(bs, ba), block(dim, value, "conversion "
                            + Overview.percent(s, a) + " against " + Overview.percent(bs, ba) + " over the previous 24 h,"
                            + " hour from " + Overview.minutes(hour))));
                }
            }
            c.commit();
        }
        return out;
    }

    /** the ranges the static prefix limit refused starts into in [from, to), the most refused first */
    List<Overview.Throttled> throttled(Instant from, Instant to) throws SQLException {
        archive.ensureSchema();
        String sql = """
                SELECT value, sum(refused) FROM attempt_rollups
                WHERE dim = 'prefix' AND hour >= ? AND hour < ? AND rule = ? AND value <> ''
                GROUP BY value HAVING sum(refused) > 0 ORDER BY 2 DESC, value LIMIT ?""";
        List<Overview.Throttled> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ArchiveQuery.customPlan(c);
            ps.setObject(1, utc(from));
            ps.setObject(2, utc(to));
            ps.setString(3, PREFIX_LIMIT);
            ps.setInt(4, config.throttledShown());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(throttled(rs.getString(1), rs.getLong(2)));
                }
            }
            c.commit();
        }
        return out;
    }

    static Overview.Throttled throttled(String prefix, long refused) {
        return new Overview.Throttled(prefix, link("prefix", prefix) + "&type=refused", refused,
                BlockTarget.range(prefix, refused + " starts refused by the prefix limit"));
    }

    /** a block of a range or app (a country is not blocked from an alert: too wide for one click) */
    static BlockTarget block(String dim, String value, String why) {
        return switch (dim) {
            case "prefix" -> BlockTarget.range(value, why);
            case "appId" -> BlockTarget.app(value, why);
            default -> null;
        };
    }

    static String link(String dim, String value) {
        return "/console/attempts?" + Links.query(Map.of(dim, value));
    }

    private static OffsetDateTime utc(Instant i) {
        return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }
}
