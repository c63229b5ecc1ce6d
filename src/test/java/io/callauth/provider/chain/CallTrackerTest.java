package io.callauth.provider.chain;

import io.callauth.provider.TrackedCall;
import io.callauth.provider.Tracking;
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
            // each poller claims small batches (over the shards) until nothing is due any more
            Callable<List<TrackedCall>> claim = () -> {
                gate.await();
                List<TrackedCall> mine = new ArrayList<>();
                List<TrackedCall> got;
                do {
                    got = tracker.claim(tracker.claimToken(), 5).await().indefinitely();
                    mine.addAll(got);
                } while (!got.isEmpty());
                return mine;
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
        String phone = Api.newPhone();
        String id = Api.startId(phone);
        String callid = callpass.lastCallTo(phone).callid();
        // poll every 2 s up to the ring timeout (30 s) plus grace (5 s)
        Set<Integer> seen = new HashSet<>();
        for (int t = 0; t < 40; t += 2) {
            clock.advance(Duration.ofSeconds(2));
            tracker.drain(20).await().indefinitely();
            seen.add(callpass.statusPolls(callid));
        }
        verify().get("/v1/verifications/" + id).then().body("callStatus", equalTo("not_delivered"))
                .body("status", equalTo("failed"));
        int polls = callpass.statusPolls(callid);
        assertThat(polls).as("polls of the call after each round: %s; read circuit %s; calls on the emulator %s",
                        seen, readCircuit(), callpass.calls())
                .isBetween(15, 19);
        clock.advance(Duration.ofSeconds(30));
        tracker.drain(20).await().indefinitely();
        assertThat(callpass.statusPolls(callid)).as("tracking stopped").isEqualTo(polls);
    }

    /** the app's CallPass read circuit, for a failure's message */
    private static String readCircuit() {
        try {
            return String.valueOf(io.smallrye.faulttolerance.api.CircuitBreakerMaintenance.get()
                    .currentState("provider-callpass-read"));
        } catch (RuntimeException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    @Test
    void aBacklogInOneShardDoesNotStarveTheOthers() {
        // 60 calls due in shard 0, one in another shard: a claim of 50 takes the lone one and at most its share of shard 0
        List<String> backlog = new ArrayList<>();
        String lone = null;
        for (int i = 0; backlog.size() < 60 || lone == null; i++) {
            String ref = "starve-" + i;
            int shard = tracker.shardOf(ref);
            if (shard == 0 && backlog.size() < 60) {
                backlog.add(ref);
            } else if (shard == 3 && lone == null) {
                lone = ref;
            }
        }
        List<String> all = new ArrayList<>(backlog);
        all.add(lone);
        long deadline = clock.millis() + Duration.ofMinutes(1).toMillis();
        for (String ref : all) {
            tracker.track(new TrackedCall(ref, "vf_" + ref, "callpass", "x", "+79160000000", clock.millis(), deadline))
                    .await().indefinitely();
        }
        try {
            clock.advance(Duration.ofSeconds(3));
            List<String> claimed = tracker.claim(tracker.claimToken(), 50).await().indefinitely().stream()
                    .map(TrackedCall::callRef).toList();
            assertThat(claimed).contains(lone);
            assertThat(claimed).filteredOn(backlog::contains).hasSizeBetween(1, 7);
            // the rest of shard 0 is still due for the next claims, none lost
            List<String> later = new ArrayList<>();
            List<TrackedCall> got;
            do {
                got = tracker.claim(tracker.claimToken(), 50).await().indefinitely();
                got.forEach(c -> later.add(c.callRef()));
            } while (!got.isEmpty());
            assertThat(new HashSet<>(later)).hasSize(later.size());
            assertThat(new HashSet<>(claimed.stream().filter(backlog::contains).toList()).size() + later.size())
                    .isEqualTo(60);
            // the keys of one shard share one hash tag (one Redis Cluster slot)
            assertThat(CallTracker.keys(3)).allMatch(k -> k.contains("{calls:3}"));
        } finally {
            all.forEach(ref -> tracker.forget(ref).await().indefinitely());
        }
    }
}
