package io.callauth.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * The overview's long windows (7 and 30 days), shown from their last computation, kept in Redis for every replica.
 * On an archive of millions of records their rollups take seconds to add up (a month holds about a million hourly
 * prefix rows), which a page cannot wait for each time. A page older than {@code callauth.console.overview-refresh}
 * is still shown, with its time, while one replica (a Redis lock) recomputes it in the background; one older than ten
 * times that, or none at all, is computed while the page waits. The short windows (1 and 24 hours) are read live.
 */
@ApplicationScoped
public class OverviewCache {

    private static final Logger LOG = Logger.getLogger(OverviewCache.class);
    static final Set<String> CACHED = Set.of("7d", "30d");
    /** versioned with the page's shape: a replica of the next version never reads an older shape's figures */
    static final String KEY = "ca:console:overview:v2:";

    private final ConsoleQueries queries;
    private final ReactiveRedisDataSource redis;
    private final ObjectMapper json;
    private final Clock clock;
    private final Duration refresh;

    public OverviewCache(ConsoleQueries queries, ReactiveRedisDataSource redis, ObjectMapper json, Clock clock,
                         ConsoleConfig config) {
        this.queries = queries;
        this.redis = redis;
        this.json = json;
        this.clock = clock;
        this.refresh = config.overviewRefresh();
    }

    /**
     * A window's overview: the long named ones from their last computation; a custom range from its computation of
     * the last refresh period (an analyst going back and forth between the range and its attempts does not add up
     * its rollups each time); the others live.
     */
    public Overview overview(OverviewWindow w) throws SQLException {
        if (CACHED.contains(w.name())) {
            return overview(w.name());
        }
        Instant now = clock.instant();
        if (!OverviewWindow.CUSTOM.equals(w.name())) {
            return queries.overview(w, now);
        }
        String key = "custom:" + w.from().getEpochSecond() + "-" + w.to().getEpochSecond();
        Overview cached = read(key);
        if (cached != null) {
            Duration age = Duration.between(cached.computedAt(), now);
            if (!age.isNegative() && age.compareTo(refresh) <= 0) {
                return cached;
            }
        }
        return store(key, queries.overview(w, now), refresh);
    }

    /** the window's overview: live for the short windows, else the last computation when it is recent enough */
    public Overview overview(String window) throws SQLException {
        Instant now = clock.instant();
        if (!CACHED.contains(window)) {
            return queries.overview(window, now);
        }
        Overview cached = read(window);
        if (cached != null) {
            Duration age = Duration.between(cached.computedAt(), now);
            boolean current = !age.isNegative() && age.compareTo(refresh.multipliedBy(10)) <= 0;
            if (current) {
                if (age.compareTo(refresh) > 0 || !cached.to().equals(ConsoleQueries.windowEnd(now))) {
                    refreshLater(window);
                }
                return cached;
            }
        }
        return compute(window, now);
    }

    private Overview compute(String window, Instant now) throws SQLException {
        // kept a little longer than it may be shown
        return store(window, queries.overview(window, now), refresh.multipliedBy(11));
    }

    private Overview store(String window, Overview o, Duration ttl) {
        try {
            redis.execute("SET", KEY + window, json.writeValueAsString(o), "PX",
                    Long.toString(ttl.toMillis())).await().atMost(Duration.ofSeconds(2));
        } catch (Exception e) {
            LOG.debugf("console overview %s not cached: %s", window, e.toString());
        }
        return o;
    }

    private Overview read(String window) {
        try {
            Response r = redis.execute("GET", KEY + window).await().atMost(Duration.ofSeconds(2));
            return r == null ? null : json.readValue(r.toString(), Overview.class);
        } catch (Exception e) {
            // Redis away or an older shape: computed afresh
            LOG.debugf("console overview %s not read from the cache: %s", window, e.toString());
            return null;
        }
    }

    /** recomputes the window in the background, on one replica at a time */
    private void refreshLater(String window) {
        String lock = KEY + window + ":refreshing";
        redis.execute("SET", lock, "1", "NX", "PX", "60000")
                .subscribe().with(r -> {
                    if (r == null) {
                        return; // another replica (or request) is at it
                    }
                    Thread.ofVirtual().name("console-overview-" + window).start(() -> {
                        try {
                            compute(window, clock.instant());
                        } catch (SQLException | RuntimeException e) {
                            LOG.warnf("console overview %s not refreshed: %s", window, e.toString());
                        } finally {
                            redis.execute("DEL", lock).subscribe().with(x -> { }, x -> { });
                        }
                    });
                }, e -> LOG.debugf("console overview %s: no refresh lock: %s", window, e.toString()));
    }
}
