package io.callauth.routing;

import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Test helper: figures written as the worker writes them, the summary rebuilt, this replica's table refreshed. */
@ApplicationScoped
public class RoutingFiguresTesting {

    private static final AtomicLong IDS = new AtomicLong(System.nanoTime());
    private final FigureStore store;
    private final RoutingTable table;
    private final RedisDataSource redis;
    private final Clock clock;
    private final List<String> groups = new ArrayList<>();

    public RoutingFiguresTesting(FigureStore store, RoutingTable table, RedisDataSource redis, Clock clock) {
        this.store = store;
        this.table = table;
        this.redis = redis;
        this.clock = clock;
    }

    /** {@code placed} calls by {@code provider} to {@code group} now, {@code delivered} and {@code approved} of them */
    public void record(String group, String provider, int placed, int delivered, int approved) {
        long at = clock.millis();
        long bucket = at / 60_000;
        List<FigureStore.Change> changes = new ArrayList<>();
        for (int i = 0; i < placed; i++) {
            changes.add(new FigureStore.Change("t-" + IDS.incrementAndGet(), 'P', bucket, provider, null, at));
        }
        for (int i = 0; i < delivered; i++) {
            changes.add(new FigureStore.Change("t-" + IDS.incrementAndGet(), 'D', bucket, provider, null, at));
        }
        for (int i = 0; i < approved; i++) {
            changes.add(new FigureStore.Change("t-" + IDS.incrementAndGet(), 'A', bucket, provider, null, at));
        }
        store.apply(group, changes).await().indefinitely();
        store.touch(Map.of(group, at)).await().indefinitely();
        groups.add(group);
        store.buildSummary().await().indefinitely();
        table.refresh().await().indefinitely();
    }

    /** forgets the groups written here and the summary */
    public void clear() {
        for (String g : groups) {
            redis.key().del(FigureStore.key(g, "fig"), FigureStore.key(g, "seen"));
            redis.sortedSet(String.class).zrem(FigureStore.GROUPS, g);
        }
        groups.clear();
        redis.key().del(FigureStore.SUMMARY);
        table.refresh().await().indefinitely();
    }
}
