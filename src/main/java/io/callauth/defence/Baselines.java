package io.callauth.defence;

import io.agroal.api.AgroalDataSource;
import io.callauth.attempts.ArchiveSchema;
import io.callauth.background.ReplicaRoles;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.scheduler.Scheduled;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The defence's baselines: per range (prefix), country and app, per hour of the week (UTC), the starts per long
 * window and the conversion, learned from the archive's hourly rollups ({@code attempt_rollups}) over the last
 * {@code callauth.defence.baseline-weeks} weeks (or what history there is). One worker learns them at a time (a Redis
 * lock held for {@code baseline-refresh}) and stores them in Redis ({@code ca:{defence}:baselines}, "dimension|value|hour
 * of the week" to "starts per hour,conversion"); every worker keeps a copy in memory, re-read when the stored version changes.
 * A value without history gets the conservative defaults ({@code thresholds.default-starts}, {@code
 * default-conversion}); carriers, networks and devices have no rollups and always do.
 */
@ApplicationScoped
public class Baselines {

    private static final Logger LOG = Logger.getLogger(Baselines.class);
    static final String KEY = "ca:{defence}:baselines";
    static final String VERSION = "ca:{defence}:baselines:version";
    static final String LOCK = "ca:{defence}:baselines:lock";
    /** an hour of the week with fewer starts than this over the whole history keeps the default conversion */
    private static final int MIN_FOR_CONVERSION = 10;

    private final AgroalDataSource db;
    private final ArchiveSchema schema;
    private final RedisDataSource redis;
    private final DefenceConfig config;
    private final Clock clock;
    private volatile Map<String, double[]> known = Map.of();
    private volatile String version = "";

    public Baselines(AgroalDataSource db, ArchiveSchema schema, RedisDataSource redis, DefenceConfig config,
                     Clock clock) {
        this.db = db;
        this.schema = schema;
        this.redis = redis;
        this.config = config;
        this.clock = clock;
    }

    /** a value's baseline for the hour of the week of {@code at} (epoch millis) */
    public Baseline of(Dimension d, String value, long at) {
        double perWindow = config.longWindow().toMillis() / 3_600_000.0;
        double[] b = known.get(key(d, value, hourOfWeek(at)));
        DefenceConfig.Thresholds t = config.thresholds();
        double floor = d.wide() ? t.wideDefaultStarts() : t.defaultStarts();
        if (b == null) {
            return new Baseline(floor, t.defaultConversion(), false);
        }
        return new Baseline(Math.max(t.defaultStarts(), b[0] * perWindow), b[1] < 0 ? t.defaultConversion() : b[1],
                true);
    }

    /** a baseline's field in the stored hash: "dimension|value|hour of the week" */
    static String key(Dimension d, String value, int hourOfWeek) {
        return d.wire() + "|" + value + "|" + hourOfWeek;
    }

    /** the dimension whose baseline a rollup dimension gives ({@code prefix} is a range) */
    static Dimension ofRollup(String dim) {
        return "prefix".equals(dim) ? Dimension.RANGE : Dimension.parse(dim).orElseThrow();
    }

    static int hourOfWeek(long at) {
        ZonedDateTime t = Instant.ofEpochMilli(at).atZone(ZoneOffset.UTC);
        return (t.getDayOfWeek().getValue() - 1) * 24 + t.getHour();
    }

    /** on workers: learn when this worker gets the lock, then load what is stored when it changed */
    @Scheduled(every = "${callauth.defence.baseline-check:60s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = ReplicaRoles.NotAWorker.class)
    void tick() {
        if (config.mode() == DefenceMode.OFF) {
            return;
        }
        try {
            refresh(false);
        } catch (RuntimeException | SQLException e) {
            LOG.warnf("defence baselines not refreshed: %s", e.toString());
        }
    }

    /** learns (when due, or {@code force}) and loads; returns how many baselines this replica knows */
    public int refresh(boolean force) throws SQLException {
        if (force || redis.execute("SET", LOCK, Long.toString(clock.millis()), "NX", "PX",
                Long.toString(config.baselineRefresh().toMillis())) != null) {
            learn();
        }
        return load();
    }

    private void learn() throws SQLException {
        schema.ensureSchema();
        Instant to = clock.instant();
        Instant from = to.minus(Duration.ofDays(7L * Math.max(1, config.baselineWeeks())));
        Map<String, String> out = new HashMap<>();
        try (Connection c = db.getConnection()) {
            Instant first = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT min(hour) FROM attempt_rollups WHERE rule = '' "
                    + "AND hour >= ? AND hour < ?")) {
                ps.setTimestamp(1, Timestamp.from(from));
                ps.setTimestamp(2, Timestamp.from(to));
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getTimestamp(1) != null) {
                        first = rs.getTimestamp(1).toInstant();
                    }
                }
            }
            if (first != null) {
                // each hour of the week was seen this many times (at least once) in the history there is
                double weeks = Math.max(1.0, Math.rint(Duration.between(first, to).toHours() / 168.0));
                try (PreparedStatement ps = c.prepareStatement("SELECT dim, value, (extract(isodow FROM hour "
                        + "AT TIME ZONE 'UTC')::int - 1) * 24 + extract(hour FROM hour AT TIME ZONE 'UTC')::int, "
                        + "sum(started), sum(approved) FROM attempt_rollups WHERE rule = '' AND dim IN ('prefix', "
                        + "'country', 'appId') AND hour >= ? AND hour < ? GROUP BY 1, 2, 3 HAVING sum(started) >= 3")) {
                    ps.setTimestamp(1, Timestamp.from(from));
                    ps.setTimestamp(2, Timestamp.from(to));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            long s = rs.getLong(4);
                            long a = rs.getLong(5);
                            double conv = s >= MIN_FOR_CONVERSION ? Math.min(1.0, (double) a / s) : -1;
                            out.put(key(ofRollup(rs.getString(1)), rs.getString(2), rs.getInt(3)),
                                    (s / weeks) + "," + conv);
                        }
                    }
                }
            }
        }
        String tmp = KEY + ":new";
        redis.execute("DEL", tmp);
        List<String> args = new ArrayList<>();
        args.add(tmp);
        for (Map.Entry<String, String> e : out.entrySet()) {
            args.add(e.getKey());
            args.add(e.getValue());
            if (args.size() >= 1001) {
                redis.execute("HSET", args.toArray(String[]::new));
                args.subList(1, args.size()).clear();
            }
        }
        if (args.size() > 1) {
            redis.execute("HSET", args.toArray(String[]::new));
        }
        if (out.isEmpty()) {
            redis.execute("DEL", KEY);
        } else {
            redis.execute("RENAME", tmp, KEY);
        }
        redis.execute("INCR", VERSION);
        LOG.infof("defence baselines learned: %d (dimension, value, hour of the week) from the archive", out.size());
    }

    private int load() {
        Response v = redis.execute("GET", VERSION);
        String now = v == null ? "" : v.toString();
        if (now.equals(version)) {
            return known.size();
        }
        Map<String, double[]> m = new HashMap<>();
        Response all = redis.execute("HGETALL", KEY);
        if (all != null) {
            boolean map = all.type() == io.vertx.redis.client.ResponseType.MULTI && !all.getKeys().isEmpty();
            if (map) {
                for (String k : all.getKeys()) {
                    put(m, k, all.get(k).toString());
                }
            } else {
                for (int i = 0; i + 1 < all.size(); i += 2) {
                    put(m, all.get(i).toString(), all.get(i + 1).toString());
                }
            }
        }
        known = m;
        version = now;
        return m.size();
    }

    private static void put(Map<String, double[]> m, String k, String v) {
        int comma = v.indexOf(',');
        try {
            m.put(k, new double[]{Double.parseDouble(v.substring(0, comma)), Double.parseDouble(v.substring(comma + 1))});
        } catch (RuntimeException e) {
            // an unreadable entry is no baseline: the defaults apply
        }
    }

}
