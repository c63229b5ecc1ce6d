package io.callauth.verification;

import io.callauth.attempts.AttemptLog;
import io.callauth.common.MutableClock;
import io.callauth.provider.callpass.CallPassEmulator;
import io.callauth.provider.callpass.CallPassEmulatorResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.callauth.verification.Api.check;
import static io.callauth.verification.Api.newPhone;
import static io.callauth.verification.Api.startId;
import static io.callauth.verification.Api.verify;
import static io.callauth.verification.Api.view;
import static org.assertj.core.api.Assertions.assertThat;

/** Abandoned verifications get their {@code expired} attempt-log record: once, by one replica, never lost. */
@QuarkusTest
@QuarkusTestResource(CallPassEmulatorResource.class)
class ExpiryReaperTest {

    @Inject
    MutableClock clock;
    @Inject
    ExpiryReaper reaper;
    @Inject
    AttemptLog attempts;
    @Inject
    VerificationStore store;

    CallPassEmulator callpass;

    @BeforeEach
    void setUp() {
        callpass = CallPassEmulatorResource.emulator();
        callpass.reset();
        clock.reset();
    }

    @AfterEach
    void tearDown() {
        clock.reset();
    }

    private long expiredRecords(String id) {
        return attempts.newest("+", 5000).await().indefinitely().stream()
                .filter(e -> id.equals(e.record().verificationId()) && "expired".equals(e.record().type())).count();
    }

    private int sweep() {
        return reaper.sweep().await().indefinitely();
    }

    @Test
    void anAbandonedVerificationIsLoggedExpiredOnceAndAFinishedOneNever() {
        String abandoned = startId(newPhone());
        String approved = startId(newPhone());
        check(approved, callpass.lastCall().code(4)).statusCode(200);

        clock.advance(Duration.ofMinutes(4));
        sweep();
        assertThat(expiredRecords(abandoned)).as("its code still lives").isZero();

        clock.advance(Duration.ofMinutes(2));
        assertThat(sweep()).isPositive();
        assertThat(expiredRecords(abandoned)).isEqualTo(1);
        assertThat(expiredRecords(approved)).isZero();
        assertThat(view(abandoned).get("status")).isEqualTo("expired");
        assertThat(attempts.newest("+", 5000).await().indefinitely()).filteredOn(e -> abandoned.equals(
                e.record().verificationId()) && "expired".equals(e.record().type())).singleElement().satisfies(e -> {
            assertThat(e.record().provider()).isEqualTo("callpass");
            assertThat(e.record().phone()).startsWith("+7916");
            assertThat(e.record().ip()).isEqualTo("203.0.113.9");
        });

        sweep();
        assertThat(expiredRecords(abandoned)).as("a second sweep writes nothing").isEqualTo(1);
    }

    @Test
    void oneSweepSettlesMoreThanTwoBatches() {
        // written the way a start writes them (same scripts, same records), without the API's rate limits
        long now = clock.millis();
        java.util.Set<String> ids = new java.util.HashSet<>();
        List<Uni<Void>> writes = new java.util.ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            String id = io.callauth.common.Ids.random("vf_", 16);
            String phone = newPhone();
            ids.add(id);
            Verification v = new Verification(id, "test", phone, "RU", VerificationStatus.PENDING, "auto",
                    io.callauth.provider.CallStatus.QUEUED, null, null, null, null, "", 4, 0, 5, 0, 3, now,
                    now + Duration.ofMinutes(5).toMillis(), now, null, ClientContext.EMPTY);
            writes.add(store.create(v, java.util.Map.of("at", now, "type", "started"), Duration.ofMinutes(20).toMillis())
                    .chain(() -> attempts.append(new io.callauth.attempts.AttemptRecord(now, "started", id, phone, "RU",
                            phone.substring(1, 9), null, "auto", null, null, null, "test", null, null, null, null))));
        }
        Uni.join().all(writes).andFailFast().await().indefinitely();
        clock.advance(Duration.ofMinutes(6));
        assertThat(sweep()).isGreaterThanOrEqualTo(1200);
        java.util.Map<String, Long> records = attempts.newest("+", 50_000).await().indefinitely().stream()
                .filter(e -> ids.contains(e.record().verificationId()) && "expired".equals(e.record().type()))
                .collect(java.util.stream.Collectors.groupingBy(e -> e.record().verificationId(),
                        java.util.stream.Collectors.counting()));
        assertThat(records).hasSize(1200);
        assertThat(records.values()).containsOnly(1L);
    }

    @Test
    void sweepsRunningAtOnceOnTwoReplicasWriteOneRecord() {
        String id = startId(newPhone());
        clock.advance(Duration.ofMinutes(6));
        List<Integer> counts = Uni.join().all(reaper.sweep(), reaper.sweep(), reaper.sweep()).andFailFast()
                .await().indefinitely();
        assertThat(counts).as("the lock lets one sweep at a time").filteredOn(n -> n > 0).hasSizeLessThanOrEqualTo(1);
        sweep();
        assertThat(expiredRecords(id)).isEqualTo(1);
    }

    @Test
    void anExpiryFlippedByAReplicaThatDiedBeforeLoggingIsLoggedByTheNextSweep() {
        String id = startId(newPhone());
        clock.advance(Duration.ofMinutes(6));
        // the dying replica: flips, never writes the record
        assertThat(store.expire(id, clock.millis()).await().indefinitely().owed()).isTrue();
        assertThat(expiredRecords(id)).isZero();
        sweep();
        assertThat(expiredRecords(id)).isEqualTo(1);
        sweep();
        assertThat(expiredRecords(id)).isEqualTo(1);
    }

    @Test
    void aCancelRefusedForExpiryLeavesTheRecordToTheSweepAndACheckWritesItItself() {
        String canceled = startId(newPhone());
        String checked = startId(newPhone());
        clock.advance(Duration.ofMinutes(6));
        verify().delete("/v1/verifications/" + canceled).then().statusCode(409);
        check(checked, "0000").statusCode(409);
        assertThat(expiredRecords(canceled)).isZero();
        assertThat(expiredRecords(checked)).isEqualTo(1);
        sweep();
        assertThat(expiredRecords(canceled)).isEqualTo(1);
        assertThat(expiredRecords(checked)).as("already logged by the check").isEqualTo(1);
    }
}
