package io.callauth.provider;

import io.callauth.common.MutableClock;
import io.callauth.provider.callpass.CallPassEmulator;
import io.callauth.provider.callpass.CallPassEmulatorResource;
import io.callauth.verification.Api;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.callauth.verification.Api.verify;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** Distributed polling: leases in Redis, claimed by one poller at a time, taken over when a poller dies. */
@QuarkusTest
@QuarkusTestResource(CallPassEmulatorResource.class)
class CallTrackerTest {

    @Inject
    CallTracker tracker;
    @Inject
    MutableClock clock;

    CallPassEmulator callpass;

    @BeforeEach
    void setUp() {
        callpass = CallPassEmulatorResource.emulator();
        callpass.reset();
        Tracking.drainEverything(tracker, clock);
    }

    @AfterEach
    void tearDown() {
        clock.reset();
    }

    @Test
    void concurrentPollersNeverClaimTheSameCall() throws Exception {
        callpass.neverFinish();
        for (int i = 0; i < 20; i++) {
            Api.startId(Api.newPhone());
        }
        clock.advance(Duration.ofSeconds(3));
        int pollers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(pollers);
        CountDownLatch gate = new CountDownLatch(1);
        List<Future<List<TrackedCall>>> futures = new ArrayList<>();
        for (int i = 0; i < pollers; i++) {
            Callable<List<TrackedCall>> claim = () -> {
                gate.await();
                return tracker.claim(tracker.claimToken(), 5).await().indefinitely();
            };
            futures.add(pool.submit(claim));
        }
        gate.countDown();
        List<String> claimed = new ArrayList<>();
        for (Future<List<TrackedCall>> f : futures) {
            f.get().forEach(c -> claimed.add(c.callRef()));
        }
        pool.shutdownNow();
        assertThat(claimed).hasSize(20);
        assertThat(new HashSet<>(claimed)).hasSize(20);
        // all are leased now: nobody else gets them
        assertThat(tracker.claim(tracker.claimToken(), 50).await().indefinitely()).isEmpty();
    }

    @Test
    void aClaimWhoseOwnerDiedIsTakenOverAfterItsLease() {
        callpass.neverFinish();
        Api.startId(Api.newPhone());
        clock.advance(Duration.ofSeconds(3));
        String dead = tracker.claimToken();
        List<TrackedCall> first = tracker.claim(dead, 10).await().indefinitely();
        assertThat(first).hasSize(1);
        // the owner dies without completing; before the lease (15 s) runs out nobody can claim it
        clock.advance(Duration.ofSeconds(10));
        assertThat(tracker.claim(tracker.claimToken(), 10).await().indefinitely()).isEmpty();
        clock.advance(Duration.ofSeconds(6));
        String heir = tracker.claimToken();
        List<TrackedCall> taken = tracker.claim(heir, 10).await().indefinitely();
        assertThat(taken).extracting(TrackedCall::callRef).containsExactly(first.get(0).callRef());
        // the dead owner's late completion changes nothing; the heir's does
        assertThat(tracker.complete(first.get(0).callRef(), dead, -1).await().indefinitely()).isFalse();
        assertThat(tracker.complete(first.get(0).callRef(), heir, -1).await().indefinitely()).isTrue();
    }

    @Test
    void aProviderThatNeverAnswersEndsAtTheRingTimeout() {
        callpass.neverFinish();
        String id = Api.startId(Api.newPhone());
        String callid = callpass.lastCall().callid();
        // poll every 2 s up to the ring timeout (30 s) plus grace (5 s)
        Set<Integer> seen = new HashSet<>();
        for (int t = 0; t < 40; t += 2) {
            clock.advance(Duration.ofSeconds(2));
            tracker.runOnce().await().indefinitely();
            seen.add(callpass.statusPolls(callid));
        }
        verify().get("/v1/verifications/" + id).then().body("callStatus", equalTo("not_delivered"))
                .body("status", equalTo("failed"));
        int polls = callpass.statusPolls(callid);
        assertThat(polls).isBetween(15, 19);
        clock.advance(Duration.ofSeconds(30));
        tracker.runOnce().await().indefinitely();
        assertThat(callpass.statusPolls(callid)).as("tracking stopped").isEqualTo(polls);
    }
}
