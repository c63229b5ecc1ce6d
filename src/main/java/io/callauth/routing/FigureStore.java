package io.callauth.routing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callauth.common.LuaScript;
import io.callauth.common.RedisReplies;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the routing figures live in Redis. Per destination group, all under the group's hash tag (one slot on a
 * Redis Cluster, one script call per group and batch): {@code ca:routing:{RU/Beeline}:fig}, a hash of counters per
 * bucket and provider; {@code :calls}, placed calls waiting for their outcome (for the seconds to deliver); {@code :seen},
 * the stream ids already counted (a batch handed twice counts once). {@code ca:routing:groups} names the groups with
 * recent figures; {@code ca:routing:summary} is the summary every replica reads.
 */
@ApplicationScoped
public class FigureStore {

    static final String GROUPS = "ca:routing:groups";
    static final String SUMMARY = "ca:routing:summary";
    static final String BUILD_LOCK = "ca:routing:summary:lock";
    private static final LuaScript RECORD = LuaScript.fromResource("routing-record");
    /** upper edges of the delivery-time bins, as the script has them (bin 0: under 1 s; the last: 120 s and more) */
    static final double[] EDGES = {1, 2, 3, 4, 5, 6, 8, 10, 13, 16, 20, 25, 30, 40, 60, 90, 120};

    private final ReactiveRedisDataSource redis;
    private final ObjectMapper json;
    private final Clock clock;
    private final RoutingConfig config;

    public FigureStore(ReactiveRedisDataSource redis, ObjectMapper json, Clock clock, RoutingConfig config) {
        this.redis = redis;
        this.json = json;
        this.clock = clock;
        this.config = config;
    }

    /** One record's change to the figures: kind P, F, D, N or A (see routing-record.lua). */
    record Change(String id, char kind, long bucket, String provider, String callRef, long at) {
    }

    static String key(String group, String part) {
        return "ca:routing:{" + group + "}:" + part;
    }

    /** Applies one group's changes (each once); answers how many were new. */
    Uni<Integer> apply(String group, List<Change> changes) {
        List<String> args = new ArrayList<>(2 + changes.size() * 5);
        args.add(Long.toString(clock.millis()));
        args.add(Long.toString(config.window().toMillis()));
        for (Change c : changes) {
            args.add(c.id());
            args.add(String.valueOf(c.kind()));
            args.add(c.bucket() + "|" + c.provider() + "|");
            args.add(c.callRef() == null ? "" : c.callRef());
            args.add(Long.toString(c.at()));
        }
        return RECORD.call(redis, List.of(key(group, "fig"), key(group, "calls"), key(group, "seen")), args)
                .map(Response::toInteger);
    }

    /** notes groups as having figures as of {@code at} (the summary builder reads those of the window) */
    Uni<Void> touch(Map<String, Long> groups) {
        if (groups.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<String> args = new ArrayList<>();
        args.add(GROUPS);
        groups.forEach((g, at) -> {
            args.add(Long.toString(at));
            args.add(g);
        });
        return redis.execute(Command.ZADD, args.toArray(String[]::new)).replaceWithVoid();
    }

    /** Takes the right to build the summary for the next second (one worker builds it; another takes over). */
    Uni<Boolean> claimBuild() {
        long ttl = Math.max(100, config.refresh().toMillis() - 50);
        return redis.execute(Command.SET, BUILD_LOCK, "1", "NX", "PX", Long.toString(ttl)).map(r -> r != null);
    }

    /**
     * Builds the summary from the groups' counters of the window: raw counts, counts weighted by age, the median seconds
     * to deliver; drops fields older than the window and groups without figures. Writes it to {@link #SUMMARY}.
     */
    Uni<FigureSummary> buildSummary() {
        long now = clock.millis();
        long window = config.window().toMillis();
        long bucketMs = config.bucket().toMillis();
        long oldest = now / bucketMs - window / bucketMs;
        return redis.execute(Command.ZREMRANGEBYSCORE, GROUPS, "-inf", Long.toString(now - window - bucketMs))
                .chain(() -> redis.execute(Command.ZRANGE, GROUPS, "0", "-1"))
                .chain(r -> {
                    List<String> groups = new ArrayList<>();
                    r.forEach(x -> groups.add(x.toString()));
                    groups.sort(null);
                    if (groups.isEmpty()) {
                        return Uni.createFrom().item(List.<GroupFigures>of());
                    }
                    List<Uni<GroupFigures>> reads = new ArrayList<>();
                    for (String g : groups) {
                        reads.add(redis.execute(Command.HGETALL, key(g, "fig"))
                                .chain(h -> summarise(g, RedisReplies.hash(h), now, oldest, bucketMs)));
                    }
                    return Uni.join().all(reads).andFailFast();
                })
                .map(gs -> new FigureSummary(now, gs.stream().filter(g -> !g.providers().isEmpty()).toList()))
                .call(s -> redis.execute(Command.SET, SUMMARY, write(s), "PX", Long.toString(window)));
    }

    private Uni<GroupFigures> summarise(String group, Map<String, String> fields, long now, long oldest, long bucketMs) {
        double halfLife = Math.max(1, config.halfLife().toMillis());
        Map<String, double[]> acc = new TreeMap<>();
        Map<String, long[]> bins = new TreeMap<>();
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, String> e : fields.entrySet()) {
            String[] parts = e.getKey().split("\\|", 3);
            if (parts.length != 3) {
                stale.add(e.getKey());
                continue;
            }
            long bucket;
            long n;
            try {
                bucket = Long.parseLong(parts[0]);
                n = Long.parseLong(e.getValue());
            } catch (NumberFormatException x) {
                stale.add(e.getKey());
                continue;
            }
            if (bucket < oldest) {
                stale.add(e.getKey());
                continue;
            }
            double age = Math.max(0, now - (bucket * bucketMs + bucketMs / 2.0));
            double w = Math.pow(0.5, age / halfLife);
            // [placed, delivered, approved, wPlaced, wDelivered, wApproved]
            double[] a = acc.computeIfAbsent(parts[1], k -> new double[6]);
            String metric = parts[2];
            switch (metric) {
                case "placed" -> { a[0] += n; a[3] += n * w; }
                case "delivered" -> { a[1] += n; a[4] += n * w; }
                case "approved" -> { a[2] += n; a[5] += n * w; }
                default -> {
                    if (metric.startsWith("d")) {
                        int bin = Integer.parseInt(metric.substring(1));
                        if (bin >= 0 && bin <= EDGES.length) {
                            bins.computeIfAbsent(parts[1], k -> new long[EDGES.length + 1])[bin] += n;
                        }
                    }
                }
            }
        }
        List<ProviderFigures> providers = new ArrayList<>();
        acc.forEach((p, a) -> providers.add(new ProviderFigures(p, (long) a[0], (long) a[1], (long) a[2],
                median(bins.get(p)), round(a[3]), round(a[4]), round(a[5]))));
        GroupFigures out = GroupFigures.named(group, providers);
        if (stale.isEmpty()) {
            return Uni.createFrom().item(out);
        }
        List<String> hdel = new ArrayList<>();
        hdel.add(key(group, "fig"));
        hdel.addAll(stale);
        return redis.execute(Command.HDEL, hdel.toArray(String[]::new)).replaceWith(out);
    }

    /** the median of a delivery-time histogram, interpolated inside its bin; null when empty */
    static Double median(long[] bins) {
        if (bins == null) {
            return null;
        }
        long total = 0;
        for (long b : bins) {
            total += b;
        }
        if (total == 0) {
            return null;
        }
        double half = total / 2.0;
        long seen = 0;
        for (int i = 0; i < bins.length; i++) {
            if (seen + bins[i] >= half && bins[i] > 0) {
                double lo = i == 0 ? 0 : EDGES[i - 1];
                double hi = i < EDGES.length ? EDGES[i] : EDGES[EDGES.length - 1] * 2;
                double inside = (half - seen) / bins[i];
                return Math.round((lo + (hi - lo) * inside) * 10) / 10.0;
            }
            seen += bins[i];
        }
        return null;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** the summary as the last build left it (empty when none) */
    Uni<FigureSummary> readSummary() {
        return redis.execute(Command.GET, SUMMARY).map(r -> r == null ? FigureSummary.EMPTY : read(r.toString()));
    }

    String write(FigureSummary s) {
        try {
            return json.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    FigureSummary read(String s) {
        try {
            return json.readValue(s, FigureSummary.class);
        } catch (JsonProcessingException e) {
            return FigureSummary.EMPTY;
        }
    }

}
