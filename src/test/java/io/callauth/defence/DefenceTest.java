package io.callauth.defence;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.callauth.attempts.AttemptLog;
import io.callauth.attempts.AttemptRecord;
import io.callauth.attempts.AttemptRecords;
import io.callauth.attempts.AttemptType;
import io.callauth.background.StreamEntry;
import io.callauth.common.MutableClock;
import io.callauth.provider.callpass.CallPassEmulatorResource;
import io.callauth.rules.Rule;
import io.callauth.rules.RuleRequest;
import io.callauth.rules.Rules;
import io.callauth.verification.Api;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * The detector and its actions, fed batches of attempt records of the test's own (its own ranges, apps, devices and
 * networks, from a number drawn per run; the real stream is not read, so no other test's traffic is judged) through
 * {@link DefenceJob#handle}, as the background seam hands them, with the injected clock frozen: each signal, each
 * escalation step, allow rules winning, monitor mode, a batch handed twice, two workers racing, expiry and release.
 */
@QuarkusTest
@QuarkusTestResource(CallPassEmulatorResource.class)
class DefenceTest {

    @Inject
    DefenceJob job;
    @Inject
    AutoBlocks blocks;
    @Inject
    Rules rules;
    @Inject
    AttemptLog log;
    @Inject
    MutableClock clock;
    @Inject
    ObjectMapper json;

    static final AtomicInteger SEQ = new AtomicInteger();
    /** this run's numbers: +7 958 RRR xxxx, a fresh 3-digit block per test method */
    static final AtomicInteger BLOCK = new AtomicInteger(new java.util.Random().nextInt(800));
    final String run = UUID.randomUUID().toString().substring(0, 8);
    final List<String> made = new ArrayList<>();
    String base;

    @Inject
    Baselines baselines;
    @Inject
    io.quarkus.redis.datasource.RedisDataSource redis;

    @BeforeEach
    void setUp() throws Exception {
        clock.reset();
        clock.freeze();
        base = "+7958" + String.format("%03d", (BLOCK.getAndIncrement() % 1000));
        net = "10." + (BLOCK.get() % 250) + ".";
        // the country and the carriers every test of this class starts numbers in: a baseline far above what the
        // tests send, so that one test's starts never add up to a country or carrier block across tests
        redis.execute("SET", Baselines.LOCK, "test", "PX", "3600000");
        List<String> args = new ArrayList<>(List.of(Baselines.KEY));
        for (String v : List.of("RU", "KZ")) {
            protect(args, Dimension.COUNTRY, v);
        }
        for (int r = 0; r < 10; r++) {
            for (int n = 0; n < 1000; n += 50) {
                io.callauth.phone.Carriers.of(phone(r, n)).ifPresent(c -> protect(args, Dimension.CARRIER, c));
            }
        }
        for (String c : List.of("MegaFon", "Tele2", "Beeline", "MTS")) {
            protect(args, Dimension.CARRIER, c);
        }
        redis.execute("HSET", args.toArray(String[]::new));
        redis.execute("INCR", Baselines.VERSION);
        baselines.refresh(false);
    }

    String net;

    static void protect(List<String> args, Dimension d, String value) {
        for (int h = 0; h < 168; h++) {
            args.add(Baselines.key(d, value, h));
            args.add("1000000000,0.5");
        }
    }

    @AfterEach
    void tearDown() {
        for (DefenceBlock b : blocks.all()) {
            if (made.contains(b.ruleId()) || b.value().startsWith(base.substring(1)) || b.value().contains(run)
                    || b.value().startsWith(net)) {
                rules.delete(b.ruleId(), "test").await().indefinitely();
            }
        }
        clock.reset();
    }

    // ------------------------------------------------------------------ helpers

    /** a number of this test: range r (0-9) of its block, number n within the range */
    String phone(int range, int n) {
        return base + range + String.format("%03d", n);
    }

    AttemptRecords.Builder rec(AttemptType type, String phone, String app, String ip, String device) {
        return AttemptRecords.at(clock.millis(), type).verification("vf_" + run + SEQ.incrementAndGet())
                .phone(phone, "RU").client(ip, "ua", app, device);
    }

    AttemptRecord start(String phone) {
        // a network and a device of its own per start: only the test of those dimensions adds them up
        return rec(AttemptType.STARTED, phone, "app-" + run, net + (SEQ.get() % 250) + ".7", "dev-" + run + SEQ.get())
                .build();
    }

    static StreamEntry entry(AttemptRecord r) {
        return new StreamEntry(0, new AttemptLog.Entry(System.currentTimeMillis() + "-" + SEQ.incrementAndGet(), r));
    }

    List<DefenceBlock> handle(List<StreamEntry> batch) {
        job.handle(batch);
        List<DefenceBlock> mine = blocks.all().stream().filter(b -> b.releasedAt() == null)
                .filter(b -> b.value().startsWith(base.substring(1)) || b.value().contains(run)).toList();
        mine.forEach(b -> {
            if (!made.contains(b.ruleId())) {
                made.add(b.ruleId());
            }
        });
        return mine;
    }

    List<DefenceBlock> handle(AttemptRecord... records) {
        return handle(java.util.Arrays.stream(records).map(DefenceTest::entry).toList());
    }

    List<DefenceBlock> starts(int range, int from, int count) {
        List<StreamEntry> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            batch.add(entry(start(phone(range, from + i * 37))));
        }
        return handle(batch);
    }

    String range(int r) {
        return (base + r).substring(1);
    }

    List<AttemptRecord> defenceRecords(String ruleId) {
        return log.newest("+", 2000).await().indefinitely().stream().map(AttemptLog.Entry::record)
                .filter(r -> ("rule:" + ruleId).equals(r.rule())).toList();
    }

    static ValidatableResponse apiStart(String phone) {
        return Api.verify().body(Map.of("phone", phone, "context", Map.of("ip", "203.0.113.9", "appId", "x")))
                .post("/v1/verifications").then();
    }

    // ------------------------------------------------------------------ signals

    @Test
    void aBurstIntoAFreshRangeIsBlockedAtItsFifthStartAndRefusedAtOnce() throws Exception {
        assertThat(starts(0, 1, 4)).isEmpty(); // 4 starts: below the threshold
        List<DefenceBlock> now = starts(0, 500, 1);
        assertThat(now).singleElement().satisfies(b -> {
            assertThat(b.dimension()).isEqualTo("range");
            assertThat(b.value()).isEqualTo(range(0));
            assertThat(b.level()).isEqualTo(1);
            assertThat(b.mode()).isEqualTo("enforce");
            assertThat(Duration.between(b.since(), b.until())).isEqualTo(Duration.ofMinutes(15));
            assertThat(b.evidence()).containsEntry("signal", "burst").containsEntry("starts", 5)
                    .containsEntry("approved", 0).containsEntry("neverSeenShare", 1.0);
        });
        DefenceBlock b = now.get(0);
        Rule rule = rules.get(b.ruleId()).await().indefinitely().orElseThrow();
        assertThat(rule.source()).isEqualTo("auto");
        assertThat(rule.match()).containsEntry("prefix", range(0));
        assertThat(rule.reason()).startsWith("auto burst: 5 starts in 60 s, 0 approved, 100% never seen");
        // in force on this replica at once (the others follow within the rules' refresh interval, see RulesIT)
        apiStart(phone(0, 999)).statusCode(403).body("rule", equalTo("rule:" + b.ruleId()));
        // and one attempt record with the evidence
        AttemptRecord r = defenceRecords(b.ruleId()).stream().filter(x -> x.type().equals("auto_block"))
                .findFirst().orElseThrow();
        Map<?, ?> detail = json.readValue(r.detail(), Map.class);
        assertThat(detail.get("dimension")).isEqualTo("range");
        assertThat(detail.get("value")).isEqualTo(range(0));
        assertThat(((Map<?, ?>) detail.get("evidence")).get("starts")).isEqualTo(5);
        // more starts of the same attack make no second rule
        assertThat(starts(0, 600, 5)).hasSize(1);
    }

    @Test
    void approvalsOrNumbersSeenBeforeKeepARangeOpen() {
        // a range whose users approve: starts with approvals
        List<StreamEntry> batch = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            AttemptRecord s = start(phone(1, i * 11));
            batch.add(entry(s));
            batch.add(entry(rec(AttemptType.APPROVED, s.phone(), s.appId(), s.ip(), s.deviceId()).build()));
        }
        assertThat(handle(batch)).isEmpty();
        // numbers approved before (out of the window now) are not "never seen": a busy day of known users passes
        clock.advance(Duration.ofMinutes(11));
        batch.clear();
        for (int i = 0; i < 8; i++) {
            batch.add(entry(start(phone(1, i * 11))));
        }
        assertThat(handle(batch)).isEmpty();
    }

    @Test
    void aSlowSpreadIsBlockedRangeByRangeOverTheLongWindow() {
        // 10 ranges of the test's block, 1 start every 2 s in all: 1 start every 20 s into each range, as a spread
        // over 20 ranges at 1 start a second
        List<DefenceBlock> seen = List.of();
        int step = 0;
        for (; step < 90 && seen.size() < 10; step++) {
            seen = handle(start(phone(step % 10, (step / 10) * 97))).stream()
                    .filter(b -> b.dimension().equals("range")).toList();
            clock.advance(Duration.ofSeconds(2));
        }
        assertThat(seen).hasSize(10).allSatisfy(b -> {
            assertThat(b.dimension()).isEqualTo("range");
            assertThat(b.evidence()).containsEntry("signal", "spread").containsEntry("starts", 6);
        });
        assertThat(step * 2).isLessThanOrEqualTo(120); // the 6th start of each range, within 2 minutes
    }

    @Test
    void neighbouringNumbersAreBlockedEvenWhenSeenBefore() {
        List<StreamEntry> known = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            known.add(entry(rec(AttemptType.APPROVED, phone(2, 100 + i * 2), "a", net + "2.8", null).build()));
        }
        assertThat(handle(known)).isEmpty();
        clock.advance(Duration.ofMinutes(11));
        List<StreamEntry> run = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            run.add(entry(start(phone(2, 100 + i * 2))));
        }
        assertThat(handle(run)).singleElement().satisfies(b -> {
            assertThat(b.evidence()).containsEntry("signal", "neighbours").containsEntry("neighbours", 4);
            assertThat(b.value()).isEqualTo(range(2));
        });
    }

    @Test
    void voiceCallsAnsweredThatNobodyChecksBlockTheirRange() {
        List<StreamEntry> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            calls.add(entry(rec(AttemptType.CALL_OUTCOME, phone(3, i * 100), null, null, null).channel("voice")
                    .outcome("delivered").build()));
        }
        assertThat(handle(calls)).singleElement().satisfies(b ->
                assertThat(b.evidence()).containsEntry("signal", "answered_unchecked")
                        .containsEntry("answeredUnchecked", 3));
    }

    @Test
    void anAppWhoseConversionCollapsesIsBlockedAndAMarketingSpikeIsNot() throws Exception {
        String spike = "spike-" + run;
        String pump = "pump-" + run;
        // both apps have a history: 60 starts an hour (10 per 10 minutes), 80 % approved
        List<String> args = new ArrayList<>(List.of(Baselines.KEY));
        for (String app : List.of(spike, pump)) {
            for (int h = 0; h < 168; h++) {
                args.add(Baselines.key(Dimension.APP, app, h));
                args.add("60,0.8");
            }
        }
        redis.execute("HSET", args.toArray(String[]::new));
        redis.execute("INCR", Baselines.VERSION);
        baselines.refresh(false);
        List<StreamEntry> batch = new ArrayList<>();
        for (int i = 0; i < 300; i++) { // a 5x spike of an app whose users approve
            String p = "+7916" + String.format("%07d", Math.floorMod((run + i).hashCode(), 10_000_000));
            AttemptRecord s = rec(AttemptType.STARTED, p, spike, "172.16." + (i % 250) + ".1", "d" + i).build();
            batch.add(entry(s));
            if (i % 5 != 0) {
                batch.add(entry(rec(AttemptType.APPROVED, p, spike, s.ip(), s.deviceId()).build()));
            }
        }
        for (int i = 0; i < 60; i++) { // an app pumping numbers spread thin over many ranges: none approves
            String p = "+7926" + String.format("%07d", Math.floorMod((pump + i).hashCode(), 10_000_000));
            batch.add(entry(rec(AttemptType.STARTED, p, pump, "172.17." + i + ".1", "p" + i).build()));
        }
        handle(batch);
        List<DefenceBlock> apps = blocks.all().stream().filter(b -> b.releasedAt() == null)
                .filter(b -> b.dimension().equals("appId")).filter(b -> b.value().contains(run)).toList();
        apps.forEach(b -> made.add(b.ruleId()));
        assertThat(apps).singleElement().satisfies(b -> {
            assertThat(b.value()).isEqualTo(pump);
            assertThat(b.evidence()).containsEntry("signal", "conversion_collapse");
        });
    }

    @Test
    void aDeviceStartingManyFreshNumbersIsBlocked() {
        String device = "dev-many-" + run;
        List<StreamEntry> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            batch.add(entry(rec(AttemptType.STARTED, phone(4 + i, 7), "app-" + run, net + "3." + (i + 20),
                    device).build()));
        }
        job.handle(batch);
        Optional<DefenceBlock> b = blocks.all().stream().filter(x -> x.value().equals(device)).findFirst();
        b.ifPresent(x -> made.add(x.ruleId()));
        assertThat(b).get().satisfies(x -> {
            assertThat(x.dimension()).isEqualTo("deviceId");
            assertThat(x.evidence()).containsEntry("signal", "source");
        });
        assertThat(Dimension.network("203.0.113.77")).isEqualTo("203.0.113.0/24");
        assertThat(Dimension.network("2001:db8:12:34::1")).isEqualTo("2001:db8:12::/48");
    }

    // ------------------------------------------------------------------ actions

    @Test
    void escalatesForRepeatsAndRecordsEachExpiryOnce() {
        List<Duration> expected = List.of(Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(6),
                Duration.ofHours(24), Duration.ofHours(24));
        for (int step = 0; step < expected.size(); step++) {
            List<DefenceBlock> b = starts(5, step * 7 + 1, 6);
            assertThat(b).as("step %d", step).singleElement();
            DefenceBlock block = b.get(0);
            assertThat(Duration.between(block.since(), block.until())).isEqualTo(expected.get(step));
            assertThat(block.level()).isEqualTo(Math.min(step + 1, 4));
            // in force until its expiry, by the clock
            clock.advance(expected.get(step).minusSeconds(1));
            assertThat(blocks.releaseExpired()).isZero();
            clock.advance(Duration.ofSeconds(1));
            assertThat(rules.get(block.ruleId()).await().indefinitely()).isEmpty(); // expired: no longer in force
            blocks.releaseExpired();
            assertThat(blocks.get(block.ruleId())).get().satisfies(x -> {
                assertThat(x.releasedAt()).isNotNull();
                assertThat(x.releasedBy()).isEqualTo("system");
            });
            assertThat(blocks.releaseExpired()).isZero(); // once
            assertThat(defenceRecords(block.ruleId())).extracting(AttemptRecord::type)
                    .containsExactlyInAnyOrder("auto_block", "auto_block_released");
        }
        // a week later the count starts over
        clock.advance(Duration.ofDays(8));
        DefenceBlock fresh = starts(5, 900, 6).get(0);
        assertThat(fresh.level()).isEqualTo(1);
    }

    @Test
    void neverBlocksWhatAnAllowRuleCovers() {
        Rule allow = rules.create(new RuleRequest("allow", Map.of("prefix", range(6).substring(0, 7)), "enforce",
                "our call centre", null), "test").await().indefinitely();
        try {
            assertThat(starts(6, 1, 8)).isEmpty();
        } finally {
            rules.delete(allow.id(), "test").await().indefinitely();
        }
    }

    @Test
    void inMonitorModeTheRuleRefusesNothingAndLogsWhatItWouldHaveRefused() {
        Finding f = new Finding(Dimension.RANGE, range(7), Signal.BURST, Map.of("signal", "burst", "starts", 9,
                "windowSeconds", 60, "approved", 0, "neverSeenShare", 1.0, "baselineStarts", 1.0,
                "baselineConversion", 0.5));
        DefenceBlock b = blocks.block(f, DefenceMode.MONITOR).orElseThrow();
        made.add(b.ruleId());
        assertThat(b.mode()).isEqualTo("monitor");
        String p = phone(7, 123);
        apiStart(p).statusCode(201);
        assertThat(log.newest("+", 500).await().indefinitely()).map(AttemptLog.Entry::record)
                .anySatisfy(r -> {
                    assertThat(r.phone()).isEqualTo(p);
                    assertThat(r.type()).isEqualTo("refused");
                    assertThat(r.outcome()).isEqualTo("monitor");
                    assertThat(r.rule()).isEqualTo("rule:" + b.ruleId());
                });
        assertThat(blocks.block(f, DefenceMode.OFF)).isEmpty();
    }

    @Test
    void aBatchHandedTwiceCountsOnceAndTwoWorkersRacingMakeOneRule() throws Exception {
        List<StreamEntry> first = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            first.add(entry(start(phone(8, i * 13))));
        }
        assertThat(handle(first)).isEmpty();
        // the worker died before its acknowledgement: another claims the same entries, with nothing new
        assertThat(handle(first)).isEmpty();
        // a worker counting one more start blocks; the windows lived in Redis, so none was forgotten
        assertThat(handle(start(phone(8, 900)))).singleElement();

        Finding f = new Finding(Dimension.RANGE, range(9), Signal.BURST, Map.of("signal", "burst", "starts", 9,
                "windowSeconds", 60, "approved", 0, "neverSeenShare", 1.0, "baselineStarts", 1.0,
                "baselineConversion", 0.5));
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            Callable<Optional<DefenceBlock>> race = () -> blocks.block(f, DefenceMode.ENFORCE);
            List<Future<Optional<DefenceBlock>>> both = two.invokeAll(List.of(race, race));
            List<DefenceBlock> madeNow = new ArrayList<>();
            for (Future<Optional<DefenceBlock>> x : both) {
                x.get().ifPresent(madeNow::add);
            }
            madeNow.forEach(b -> made.add(b.ruleId()));
            assertThat(madeNow).hasSize(1);
        } finally {
            two.shutdownNow();
        }
        assertThat(rules.list().await().indefinitely()).filteredOn(r -> r.match().containsValue(range(9)))
                .hasSize(1);
    }

    // ------------------------------------------------------------------ the API

    @Test
    void theApiShowsBlocksAndHotRangesAndReleasesWithAnAllow() {
        DefenceBlock b = starts(0, 1, 6).get(0);
        Api.as(Api.FRAUD_KEY).get("/v1/defence").then().statusCode(200)
                .body("mode", equalTo("enforce"))
                .body("blocks.ruleId", hasItem(b.ruleId()))
                .body("blocks.find { it.ruleId == '" + b.ruleId() + "' }.evidence.signal", equalTo("burst"))
                .body("blocks.find { it.ruleId == '" + b.ruleId() + "' }.level", equalTo(1))
                .body("hottest.value", hasItem(range(0)))
                .body("hottest.find { it.value == '" + range(0) + "' }.starts", equalTo(6))
                .body("hottest.find { it.value == '" + range(0) + "' }.baseline.conversion", equalTo(0.5f));
        Api.verify().get("/v1/defence").then().statusCode(403);
        Api.as(Api.FRAUD_KEY).body(Map.of("allowDays", 0)).post("/v1/defence/blocks/" + b.ruleId() + "/release")
                .then().statusCode(400).body("code", equalTo("invalid_request"));
        Api.as(Api.FRAUD_KEY).body(Map.of("allowDays", 3)).post("/v1/defence/blocks/" + b.ruleId() + "/release")
                .then().statusCode(200).body("releasedBy", equalTo("fraud")).body("releasedAt",
                        org.hamcrest.Matchers.notNullValue());
        Api.as(Api.FRAUD_KEY).body(Map.of()).post("/v1/defence/blocks/rl_0000000000000000/release").then()
                .statusCode(404);
        assertThat(rules.get(b.ruleId()).await().indefinitely()).isEmpty();
        Rule allow = rules.list().await().indefinitely().stream().filter(r -> !r.blocks())
                .filter(r -> r.match().containsValue(range(0))).findFirst().orElseThrow();
        try {
            assertThat(Duration.between(clock.instant(), allow.expiresAt())).isEqualTo(Duration.ofDays(3));
            apiStart(phone(0, 321)).statusCode(201);
            assertThat(defenceRecords(b.ruleId())).extracting(AttemptRecord::type)
                    .containsExactlyInAnyOrder("auto_block", "auto_block_released");
            // the attack goes on: the allow rule keeps the range open
            assertThat(starts(0, 700, 6)).isEmpty();
        } finally {
            rules.delete(allow.id(), "test").await().indefinitely();
        }
    }
}
