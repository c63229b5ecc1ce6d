package io.callauth.background;

import io.callauth.attempts.AttemptIngester;
import io.callauth.attempts.AttemptLog;
import io.callauth.attempts.AttemptRecord;
import io.callauth.provider.callpass.CallPassEmulatorResource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The background seam's promises, on a job of the test's own (its own consumer group; it counts only the records of
 * its own app): consumers of one group share the stream and never get one entry twice; a consumer killed mid-batch
 * loses nothing (another claims what it held); the stream is never trimmed past what a group still holds.
 */
@QuarkusTest
@QuarkusTestResource(CallPassEmulatorResource.class)
class StreamConsumerTest {

    @Inject
    StreamWorkers seam;
    @Inject
    AttemptLog log;
    @Inject
    RedisDataSource redis;

    final String run = UUID.randomUUID().toString().substring(0, 8);

    /** counts, by entry id, the records of one app that it was handed */
    static class Recording implements StreamJob {
        final String group;
        final String app;
        final Map<String, Integer> seen;
        volatile Runnable beforeBatch = () -> { };

        Recording(String group, String app, Map<String, Integer> seen) {
            this.group = group;
            this.app = app;
            this.seen = seen;
        }

        @Override
        public String group() {
            return group;
        }

        @Override
        public int batchSize() {
            return 20;
        }

        @Override
        public Done handle(List<StreamEntry> batch) {
            beforeBatch.run();
            int mine = 0;
            for (StreamEntry e : batch) {
                if (app.equals(e.record().appId())) {
                    seen.merge(e.archiveId(), 1, Integer::sum);
                    mine++;
                }
            }
            return new Done(mine, 0);
        }
    }

    /** a group that starts at the stream's end: it sees this test's records only */
    private void newGroup(String group) {
        for (int s = 0; s < log.shards(); s++) {
            redis.execute("XGROUP", "CREATE", AttemptLog.stream(s), group, "$", "MKSTREAM");
        }
    }

    private Set<String> append(String app, int n) {
        List<Uni<Void>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(log.append(new AttemptRecord(System.currentTimeMillis(), "started", "vf_" + app + "_" + i,
                    "+7916000" + (1000 + i), "RU", "7916000", "callpass", "flashcall", null, null, null, "test",
                    "203.0.113.9", "ua", app, "d")));
        }
        Uni.join().all(all).andFailFast().await().indefinitely();
        // the ids as a job sees them: over every shard, this app's entries
        Set<String> ids = new java.util.HashSet<>();
        for (int s = 0; s < log.shards(); s++) {
            for (AttemptLog.Entry e : AttemptLog.entries(redis.execute("XRANGE", AttemptLog.stream(s), "-", "+"))) {
                if (app.equals(e.record().appId())) {
                    ids.add(AttemptLog.archiveId(s, e.id()));
                }
            }
        }
        assertThat(ids).hasSize(n);
        return ids;
    }

    private long pending(String group) {
        long sum = 0;
        for (int s = 0; s < log.shards(); s++) {
            sum += AttemptStream.group(redis, s, group).map(AttemptStream.GroupInfo::pending).orElse(0L);
        }
        return sum;
    }

    private static void handOver(CountDownLatch mine, CountDownLatch other) {
        mine.countDown();
        try {
            other.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** rounds until one reads nothing */
    private static void drain(StreamConsumer c) {
        for (int i = 0; i < 1000; i++) {
            StreamConsumer.Round r = c.run();
            assertThat(r.failed()).isFalse();
            if (r.read() == 0) {
                return;
            }
        }
    }

    @Test
    void twoConsumersOfOneGroupShareTheStreamAndNeitherGetsAnEntryTwice() throws Exception {
        String app = "share-" + run;
        String group = "test-share-" + run;
        newGroup(group);
        Set<String> ids = append(app, 200);
        Map<String, Integer> byA = new ConcurrentHashMap<>();
        Map<String, Integer> byB = new ConcurrentHashMap<>();
        Recording a = new Recording(group, app, byA);
        Recording b = new Recording(group, app, byB);
        // each holds its first batch until the other has one in hand: both take part, at the same time
        CountDownLatch aHolds = new CountDownLatch(1);
        CountDownLatch bHolds = new CountDownLatch(1);
        a.beforeBatch = () -> handOver(aHolds, bHolds);
        b.beforeBatch = () -> handOver(bHolds, aHolds);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> fa = pool.submit(() -> drain(seam.consumer(a, "a-" + run, Duration.ofHours(1))));
            Future<?> fb = pool.submit(() -> drain(seam.consumer(b, "b-" + run, Duration.ofHours(1))));
            fa.get(60, TimeUnit.SECONDS);
            fb.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(byA).isNotEmpty();
        assertThat(byB).isNotEmpty();
        assertThat(byA.keySet()).doesNotContainAnyElementsOf(byB.keySet());
        Set<String> all = new java.util.HashSet<>(byA.keySet());
        all.addAll(byB.keySet());
        assertThat(all).isEqualTo(ids);
        assertThat(byA.values()).containsOnly(1);
        assertThat(byB.values()).containsOnly(1);
        assertThat(pending(group)).isZero();
    }

    @Test
    void aConsumerKilledMidBatchLosesNothingAndTheStreamKeepsWhatItHeld() {
        String app = "killed-" + run;
        String group = "test-killed-" + run;
        newGroup(group);
        Set<String> ids = append(app, 100);
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        // the victim dies in the middle of its first batch: the work of that batch is half done, never acknowledged
        Recording dying = new Recording(group, app, seen) {
            @Override
            public Done handle(List<StreamEntry> batch) {
                Done done = super.handle(batch);
                if (batch.stream().anyMatch(e -> app.equals(e.record().appId()))) {
                    throw new IllegalStateException("killed mid-batch");
                }
                return done;
            }
        };
        StreamConsumer victim = seam.consumer(dying, "victim-" + run, Duration.ofHours(1));
        StreamConsumer.Round died = victim.run();
        assertThat(died.failed()).isTrue();
        long held = pending(group);
        assertThat(held).isPositive();
        Set<String> heldIds = seen.keySet().stream().collect(Collectors.toSet());
        assertThat(heldIds).isNotEmpty();

        // the hold on trimming: a trim behind every group (this one included) keeps what the dead consumer held
        AttemptStream.trim(redis, log.shards(), List.of(group, AttemptIngester.GROUP), List.of());
        for (String id : heldIds) {
            int dot = id.indexOf('.');
            int shard = dot < 0 ? 0 : Integer.parseInt(id.substring(dot + 1));
            String streamId = dot < 0 ? id : id.substring(0, dot);
            assertThat(redis.execute("XRANGE", AttemptLog.stream(shard), streamId, streamId).size())
                    .as("held entry %s still in the stream", id).isEqualTo(1);
        }

        // another replica's consumer claims what it held (idle long enough: here at once) and goes on
        drain(seam.consumer(new Recording(group, app, seen), "heir-" + run, Duration.ZERO));
        assertThat(seen.keySet()).isEqualTo(ids);
        // at least once: only what the victim had in hand came twice
        Set<String> twice = seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        assertThat(heldIds).containsAll(twice);
        assertThat(seen.values()).allMatch(n -> n <= 2);
        assertThat(pending(group)).isZero();
    }
}
