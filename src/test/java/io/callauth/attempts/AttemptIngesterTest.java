package io.callauth.attempts;

import io.agroal.api.AgroalDataSource;
import io.callauth.common.EmbeddedPostgresConfigSource;
import io.callauth.verification.ExpiryReaper;
import io.callauth.common.MutableClock;
import io.callauth.provider.callpass.CallPassEmulatorResource;
import io.callauth.verification.Api;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

/**
 * The ingester on a real Redis Stream and a real PostgreSQL: consumers racing, redelivery, a consumer that dies
 * holding entries, PostgreSQL stopped and started mid-run, trimming, partitions ahead and retention behind.
 */
@QuarkusTest
@QuarkusTestResource(CallPassEmulatorResource.class)
class AttemptIngesterTest {

    @Inject
    AttemptLog log;
    @Inject
    AttemptIngester ingester;
    @Inject
    ArchiveWriter archive;
    @Inject
    ArchiveSchema schema;
    @Inject
    ArchivePartitions partitions;
    @Inject
    AgroalDataSource db;
    @Inject
    RedisDataSource redis;
    @Inject
    MutableClock clock;

    final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void setUp() {
        clock.reset();
        CallPassEmulatorResource.emulator().reset();
        drain();
    }

    @AfterEach
    void tearDown() {
        clock.reset();
        for (int shard = 0; shard < log.shards(); shard++) {
            redis.execute("DEL", ExpiryReaper.cursorKey(shard));
        }
    }

    /** leaves nothing of earlier tests unarchived or held */
    private void drain() {
        AttemptIngester.Run r;
        int rounds = 0;
        do {
            r = ingester.consumer("drain", Duration.ZERO).run();
            assertThat(r.failed()).isFalse();
        } while (r.read() > 0 && ++rounds < 100);
    }

    private List<String> append(String app, String type, int n) {
        return append(app, type, n, null);
    }

    /** n records, of n verifications or all of {@code verification} (then all in one shard) */
    private List<String> append(String app, String type, int n, String verification) {
        List<Uni<Void>> all = new ArrayList<>();
        long now = clock.millis();
        for (int i = 0; i < n; i++) {
            all.add(log.append(new AttemptRecord(now + i % 1000, type,
                    verification != null ? verification : "vf_" + app + "_" + i, "+79160000" + (100 + i % 900),
                    "RU", "79160000", "callpass", "flashcall", null, null, null, "test", "203.0.113.5", "ua", app, "d")));
        }
        for (int i = 0; i < all.size(); i += 500) {
            Uni.join().all(all.subList(i, Math.min(all.size(), i + 500))).andFailFast().await().indefinitely();
        }
        return newestIds(n);
    }

    private List<String> newestIds(int n) {
        return log.newest("+", n).await().indefinitely().stream().map(AttemptLog.Entry::id).toList();
    }

    private long count(String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long archived(String app) throws Exception {
        return count("SELECT count(*) FROM attempts WHERE app_id = '" + app + "'");
    }

    private List<String> archivedIds(String app) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection c = db.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM attempts WHERE app_id = '" + app + "'")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    private long distinctArchived(String app) throws Exception {
        return count("SELECT count(DISTINCT id) FROM attempts WHERE app_id = '" + app + "'");
    }

    private long rolledUpStarts(String app) throws Exception {
        return count("SELECT coalesce(sum(started), 0) FROM attempt_rollups WHERE dim = 'appId' AND value = '" + app + "'");
    }

    private long pending() {
        long sum = 0;
        for (int shard = 0; shard < log.shards(); shard++) {
            sum += redis.execute("XPENDING", AttemptLog.stream(shard), AttemptIngester.GROUP).get(0).toLong();
        }
        return sum;
    }

    /** entries in the stream, all shards */
    private long length() {
        long sum = 0;
        for (int shard = 0; shard < log.shards(); shard++) {
            sum += redis.execute("XLEN", AttemptLog.stream(shard)).toLong();
        }
        return sum;
    }

    /** the expiry sweep has read everything: it holds nothing back from the trim */
    private void sweptEverything() {
        for (int shard = 0; shard < log.shards(); shard++) {
            var newest = redis.execute("XREVRANGE", AttemptLog.stream(shard), "+", "-", "COUNT", "1");
            if (newest != null && newest.size() > 0) {
                redis.execute("SET", ExpiryReaper.cursorKey(shard), newest.get(0).get(0).toString());
            }
        }
    }

    @Test
    void twoIngestersRacingNeverInsertARecordTwice() throws Exception {
        String app = "race-" + run;
        append(app, "started", 3000);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Callable<Integer>> racers = List.of(() -> drainAs("a"), () -> drainAs("b"));
            int read = 0;
            for (Future<Integer> f : pool.invokeAll(racers)) {
                read += f.get();
            }
            assertThat(read).isGreaterThanOrEqualTo(3000);
        } finally {
            pool.shutdownNow();
        }
        assertThat(archived(app)).isEqualTo(3000);
        assertThat(distinctArchived(app)).isEqualTo(3000);
        assertThat(rolledUpStarts(app)).isEqualTo(3000);
        assertThat(count("SELECT count(*) FROM attempt_verifications WHERE verification_id LIKE 'vf_" + app + "%'"))
                .isEqualTo(3000);

        // a redelivery of the whole batch (a claim racing a slow consumer) adds nothing, rollups included
        List<AttemptLog.Entry> again = new ArrayList<>();
        java.util.Set<Integer> shardsUsed = new java.util.HashSet<>();
        for (int shard = 0; shard < log.shards(); shard++) {
            int sh = shard;
            log.after(shard, "0-0", 100_000).await().indefinitely().stream()
                    .filter(e -> app.equals(e.record().appId()))
                    .forEach(e -> {
                        again.add(new AttemptLog.Entry(AttemptLog.archiveId(sh, e.id()), e.record()));
                        shardsUsed.add(sh);
                    });
        }
        // the whole batch is still in the stream: the trim keeps what the expiry sweep has not read
        assertThat(again).as("entries left in the stream (none trimmed past the expiry sweep's hold)").hasSize(3000);
        // 3000 verifications spread over every shard, and ids that clash between shards are still 3000 rows
        assertThat(shardsUsed).hasSize(log.shards());
        // each record is archived under its stream id, qualified by its shard past shard 0
        assertThat(archivedIds(app)).containsExactlyInAnyOrderElementsOf(again.stream().map(AttemptLog.Entry::id).toList());
        ArchiveWriter.Stored s = archive.store(again);
        assertThat(s.inserted()).isZero();
        assertThat(s.duplicates()).isEqualTo(again.size());
        assertThat(archived(app)).isEqualTo(3000);
        assertThat(rolledUpStarts(app)).isEqualTo(3000);
    }

    @Test
    void aBatchPartlyArchivedAddsOnlyItsNewRecordsAndAnyTextSurvivesTheCopy() throws Exception {
        String app = "copy-" + run;
        long now = clock.millis();
        String ua = "tab\there\nnew line\\back\\N \u0000nul \"quote\" ; é";
        List<AttemptLog.Entry> batch = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            batch.add(new AttemptLog.Entry(now + "-" + (900_000 + i), new AttemptRecord(now, "started",
                    "vf_" + app + i, "+15550000" + i, "US", "1555", "sandbox", "flash_call", null, null, null, "k", null,
                    i == 3 ? ua : null, app, null)));
        }
        // the first half alone: one COPY
        ArchiveWriter.Stored first = archive.store(batch.subList(0, 10));
        assertThat(first.inserted()).isEqualTo(10);
        // the whole batch: the COPY meets the first half and the batch falls back to skipping what exists
        ArchiveWriter.Stored second = archive.store(batch);
        assertThat(second.inserted()).isEqualTo(10);
        assertThat(second.duplicates()).isEqualTo(10);
        assertThat(archived(app)).isEqualTo(20);
        assertThat(rolledUpStarts(app)).isEqualTo(20);
        try (var c = db.getConnection(); var st = c.createStatement();
             var rs = st.executeQuery("SELECT user_agent, phone FROM attempts WHERE app_id = '" + app
                     + "' AND user_agent IS NOT NULL")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(ua.replace("\u0000", ""));
            assertThat(rs.getString(2)).isEqualTo("+155500003");
            assertThat(rs.next()).isFalse();
        }
    }

    private int drainAs(String name) {
        AttemptIngester.Consumer c = ingester.consumer(name + "-" + run, Duration.ofHours(1));
        int read = 0;
        for (int i = 0; i < 50; i++) {
            AttemptIngester.Run r = c.run();
            assertThat(r.failed()).isFalse();
            if (r.read() == 0) {
                break;
            }
            read += r.read();
        }
        return read;
    }

    @Test
    void entriesOfAConsumerThatDiedAreClaimedByAnotherAfterTheIdleTime() throws Exception {
        String app = "dead-" + run;
        append(app, "started", 50);
        // a replica reads a batch and dies before its transaction
        for (int shard = 0; shard < log.shards(); shard++) {
            redis.execute("XREADGROUP", "GROUP", AttemptIngester.GROUP, "dead-" + run, "COUNT", "1000", "STREAMS",
                    AttemptLog.stream(shard), ">");
        }
        assertThat(pending()).isEqualTo(50);

        // not idle long enough: another consumer leaves them alone
        AttemptIngester.Run early = ingester.consumer("patient-" + run, Duration.ofHours(1)).run();
        assertThat(early.claimed()).isZero();
        assertThat(archived(app)).isZero();
        // trimming never drops what is held unacknowledged
        sweptEverything();
        ingester.trim();
        assertThat(length()).isEqualTo(50);

        AttemptIngester.Run r = ingester.consumer("heir-" + run, Duration.ZERO).run();
        assertThat(r.claimed()).isEqualTo(50);
        assertThat(archived(app)).isEqualTo(50);
        assertThat(pending()).isZero();
        // all acknowledged and the expiry sweep past them: the stream is trimmed behind
        assertThat(length()).isZero();
    }

    @Test
    void aConsumerHoldingMoreThanABatchReadsItAllBackOverTheNextRounds() throws Exception {
        // a round read 2,300 records of one shard (batch size 1000) and failed before storing them: they are pending
        // for this consumer, which re-reads its own pending entries only while it may hold some
        String app = "held-" + run;
        String name = "holder-" + run;
        append(app, "started", 2300, "vf_held_" + run);
        for (int shard = 0; shard < log.shards(); shard++) {
            redis.execute("XREADGROUP", "GROUP", AttemptIngester.GROUP, name, "COUNT", "5000", "STREAMS",
                    AttemptLog.stream(shard), ">");
        }
        assertThat(pending()).isEqualTo(2300);
        AttemptIngester.Consumer c = ingester.consumer(name, Duration.ofHours(1));
        for (int i = 0; i < 5 && pending() > 0; i++) {
            assertThat(c.run().failed()).isFalse();
        }
        assertThat(archived(app)).isEqualTo(2300);
        assertThat(pending()).isZero();
    }

    @Test
    void theStreamKeepsWhatTheExpirySweepStillNeeds() {
        // the records of one verification: one shard
        String verification = "vf_hold_" + run;
        int shard = log.shardOf(new AttemptRecord(0, "started", verification, null, null, null, null, null, null, null,
                null, null, null, null, null, null));
        append("hold-" + run, "started", 20, verification);
        String key = AttemptLog.stream(shard);
        List<String> ids = new ArrayList<>();
        redis.execute("XREVRANGE", key, "+", "-", "COUNT", "20").forEach(e -> ids.add(e.get(0).toString()));
        // the sweep has read up to the 10th oldest of them: the newer ten stay after the ingester's trim
        redis.execute("SET", ExpiryReaper.cursorKey(shard), ids.get(10));
        drain();
        assertThat(redis.execute("XLEN", key).toLong()).isEqualTo(10);
        redis.execute("SET", ExpiryReaper.cursorKey(shard), ids.get(0));
        ingester.trim();
        assertThat(redis.execute("XLEN", key).toLong()).isZero();
    }

    @Test
    void postgresStoppedAndStartedAgainLosesNothing() throws Exception {
        String app = "outage-" + run;
        append(app, "started", 100);
        EmbeddedPostgresConfigSource.stop();
        try {
            AttemptIngester.Run down = ingester.runOwn();
            assertThat(down.failed()).isTrue();
            assertThat(ingester.status().archiveReachable()).isFalse();
            // verifications go on, their records wait in Redis
            String phone = Api.newPhone();
            Api.verify().body("{\"phone\":\"" + phone + "\",\"context\":{\"appId\":\"" + app + "\"}}")
                    .post("/v1/verifications").then().statusCode(201);
            assertThat(ingester.runOwn().failed()).isTrue();
            // readiness warns, never DOWN
            io.callauth.common.Management.given().get("/q/health/ready").then().statusCode(200)
                    .body(containsString("PostgreSQL cannot be reached"));
            // the fraud API says what is wrong, with a retry hint
            Api.as(Api.FRAUD_KEY).get("/v1/attempts?appId=" + app).then().statusCode(503)
                    .contentType("application/problem+json")
                    .body("code", org.hamcrest.Matchers.equalTo("archive_unavailable")).header("Retry-After", "10");
        } finally {
            EmbeddedPostgresConfigSource.restart();
        }
        // the pool's connections died with the server: a few rounds may fail before a fresh one is made
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> !ingester.runOwn().failed());
        assertThat(ingester.status().archiveReachable()).isTrue();
        assertThat(archived(app)).isEqualTo(102); // 100 + started and call_placed of the verification
        assertThat(distinctArchived(app)).isEqualTo(102);
        assertThat(rolledUpStarts(app)).isEqualTo(101);
        assertThat(pending()).isZero();
    }

    /** sequential and index scans of a table so far (the server's statistics, as flushed by the backends) */
    private long[] scans(String table) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_stat_clear_snapshot()");
            try (ResultSet rs = s.executeQuery("SELECT seq_scan, coalesce(idx_scan, 0) FROM pg_stat_user_tables"
                    + " WHERE relname = '" + table + "'")) {
                rs.next();
                return new long[]{rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    @Test
    void aRetentionPassWithNothingToDeleteReadsTheRollupsAndVerificationsThroughTheirIndexes() throws Exception {
        // 50,000 verification rows and 20,000 rollup rows, all younger than the retention and stored out of time
        // order (as upserts leave them; g * 7919 runs through every step once): the shape in which a generic plan of
        // "started_at < ?" reads the whole of attempt_verifications
        String p = "ret-" + run;
        schema.ensureSchema();
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO attempt_verifications (verification_id, started_at, approved_at, provider, country,"
                    + " prefix, app_id) SELECT 'vf_" + p + "_' || g, now() - (g::bigint * 7919 % 50000) * interval '1 s',"
                    + " now(), 'callpass', 'RU', '79160000', '" + p + "' FROM generate_series(1, 50000) g");
            s.execute("INSERT INTO attempt_rollups (hour, dim, value, started) SELECT date_trunc('hour', now()"
                    + " - (g::bigint * 7919 % 20000) * interval '4 s'), 'prefix', '" + p + "-' || g, 1"
                    + " FROM generate_series(1, 20000) g");
            s.execute("ANALYZE attempt_verifications");
            s.execute("ANALYZE attempt_rollups");
        }
        try {
            // the statistics of every earlier statement counted: the pool's idle connections closed, and their
            // backends gone (a backend flushes what it counted when it exits, then leaves pg_stat_activity)
            long flushedAt = count("SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint");
            db.flush(AgroalDataSource.FlushMode.GRACEFUL);
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> count(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                            + " AND backend_type = 'client backend' AND backend_start <= to_timestamp(" + flushedAt
                            + " / 1000000.0)") == 0);
            long[] verifications = scans("attempt_verifications");
            long[] rollups = scans("attempt_rollups");
            ArchivePartitions.Retained r = partitions.enforceRetention();
            assertThat(r.ran()).isTrue();
            assertThat(r.verificationRows()).isZero();
            assertThat(r.rollupRows()).isZero();
            // once the pass's statistics are flushed (its reads of both tables show), none of them was sequential
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() ->
                    LongStream.of(scans("attempt_verifications")).sum() > LongStream.of(verifications).sum()
                            && LongStream.of(scans("attempt_rollups")).sum() > LongStream.of(rollups).sum());
            assertThat(scans("attempt_verifications")[0]).as("sequential scans of attempt_verifications")
                    .isEqualTo(verifications[0]);
            assertThat(scans("attempt_rollups")[0]).as("sequential scans of attempt_rollups").isEqualTo(rollups[0]);
        } finally {
            try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
                s.execute("DELETE FROM attempt_verifications WHERE verification_id LIKE 'vf_" + p + "%'");
                s.execute("DELETE FROM attempt_rollups WHERE dim = 'prefix' AND value LIKE '" + p + "-%'");
            }
        }
    }

    @Test
    void partitionsAreCreatedAheadAndDroppedBehindByTheClock() throws Exception {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        partitions.createAhead();
        assertThat(partitions.partitions()).contains(today.minusDays(1), today, today.plusDays(1), today.plusDays(3));

        // 40 days later: new days ahead, the old ones past the 30 days' retention dropped whole
        clock.advance(Duration.ofDays(40));
        LocalDate later = today.plusDays(40);
        partitions.createAhead();
        // while another replica runs retention, this one does nothing
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(" + ArchivePartitions.RETENTION_LOCK + ")");
                assertThat(partitions.enforceRetention().ran()).isFalse();
            }
            c.rollback();
        }
        ArchivePartitions.Retained r = partitions.enforceRetention();
        assertThat(r.ran()).isTrue();
        assertThat(r.droppedDays()).contains(today.minusDays(1), today, today.plusDays(3));
        assertThat(partitions.partitions()).doesNotContain(today, today.plusDays(3))
                .contains(later.minusDays(1), later, later.plusDays(3));
        assertThat(partitions.partitions()).allMatch(d -> !d.isBefore(later.minusDays(30)));

        // a record that reaches the archive after its retention passed is not kept (its day is gone)
        AttemptLog.Entry old = new AttemptLog.Entry("1-0", new AttemptRecord(clock.millis() - Duration.ofDays(31).toMillis(),
                "started", "vf_old", null, null, null, null, null, null, null, null, null, null, null, "old-" + run, null));
        assertThat(archive.store(List.of(old)).tooOld()).isEqualTo(1);

        // back to today: its partition is made again on demand
        clock.reset();
        String app = "again-" + run;
        append(app, "started", 3);
        drain();
        assertThat(archived(app)).isEqualTo(3);
    }
}
