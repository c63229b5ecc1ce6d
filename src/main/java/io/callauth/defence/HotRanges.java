package io.callauth.defence;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The hottest ranges, for {@code GET /v1/defence} and the console: after each batch, the ranges it touched with their
 * long window's starts and approvals ({@code ca:{defence}:hot}, a zset by starts, and {@code :hotinfo}, the figures
 * and when they were counted), kept to the {@value #KEEP} hottest.
 */
@ApplicationScoped
public class HotRanges {

    static final String HOT = "ca:{defence}:hot";
    static final String INFO = "ca:{defence}:hotinfo";
    static final int KEEP = 200;
    private static final Duration AWAIT = Duration.ofSeconds(10);

    private final ReactiveRedisDataSource redis;
    private final Baselines baselines;
    private final DefenceConfig config;
    private final Clock clock;

    public HotRanges(ReactiveRedisDataSource redis, Baselines baselines, DefenceConfig config, Clock clock) {
        this.redis = redis;
        this.baselines = baselines;
        this.config = config;
        this.clock = clock;
    }

    /** a hot range: its long window's starts and approvals, and its baseline for this hour of the week */
    public record Hot(String dimension, String value, long starts, long approved, BaselineView baseline) {
    }

    /** a baseline as the API shows it: starts per long window, conversion */
    public record BaselineView(double starts, double conversion) {
    }

    /** notes the ranges of a batch's windows (one pipelined group of commands) */
    void note(List<Window> windows) {
        List<String> zadd = new ArrayList<>(List.of(HOT));
        List<String> hset = new ArrayList<>(List.of(INFO));
        long now = clock.millis();
        for (Window w : windows) {
            if (w.dimension() == Dimension.RANGE && w.window().starts() > 0) {
                zadd.add(Long.toString(w.window().starts()));
                zadd.add(w.value());
                hset.add(w.value());
                hset.add(w.window().starts() + "," + w.window().approved() + "," + now);
            }
        }
        if (zadd.size() == 1) {
            return;
        }
        Uni.join().all(redis.execute("ZADD", zadd.toArray(String[]::new)),
                        redis.execute("HSET", hset.toArray(String[]::new)),
                        redis.execute("ZREMRANGEBYRANK", HOT, "0", Integer.toString(-KEEP - 1)))
                .andFailFast().await().atMost(AWAIT);
    }

    /** the {@code limit} hottest ranges counted within the long window, hottest first */
    public List<Hot> hottest(int limit) {
        Response top = redis.execute("ZREVRANGE", HOT, "0", Integer.toString(KEEP - 1)).await().atMost(AWAIT);
        List<Hot> out = new ArrayList<>();
        if (top == null || top.size() == 0) {
            return out;
        }
        List<String> args = new ArrayList<>(List.of(INFO));
        for (Response r : top) {
            args.add(r.toString());
        }
        Response info = redis.execute("HMGET", args.toArray(String[]::new)).await().atMost(AWAIT);
        long now = clock.millis();
        long from = now - config.longWindow().toMillis();
        List<String> stale = new ArrayList<>();
        for (int i = 0; i < top.size(); i++) {
            String range = top.get(i).toString();
            Response f = info.get(i);
            String[] p = f == null ? null : f.toString().split(",");
            if (p == null || p.length < 3 || Long.parseLong(p[2]) < from) {
                stale.add(range);
                continue;
            }
            if (out.size() < limit) {
                Baseline b = baselines.of(Dimension.RANGE, range, now);
                out.add(new Hot(Dimension.RANGE.wire(), range, Long.parseLong(p[0]), Long.parseLong(p[1]),
                        new BaselineView(Window.round(b.starts()), Window.round(b.conversion()))));
            }
        }
        if (!stale.isEmpty()) {
            List<String> z = new ArrayList<>(List.of(HOT));
            z.addAll(stale);
            List<String> h = new ArrayList<>(List.of(INFO));
            h.addAll(stale);
            Uni.join().all(redis.execute("ZREM", z.toArray(String[]::new)),
                    redis.execute("HDEL", h.toArray(String[]::new))).andFailFast().await().atMost(AWAIT);
        }
        out.sort((a, b) -> Long.compare(b.starts(), a.starts()));
        return out;
    }
}
