package io.callauth.provider;

import io.callauth.provider.chain.CallTracker;
import io.callauth.common.MutableClock;

import java.time.Duration;

/** Test helper: leaves no call of an earlier test due, so a test sees only its own tracking work. */
public final class Tracking {
    private Tracking() {
    }

    /**
     * lets {@code total} pass in steps of {@code step}, one scheduler tick after each: rounds until no shard is left with
     * more due than a round takes (calls of earlier tests may still be due)
     */
    public static void run(CallTracker tracker, MutableClock clock, Duration total, Duration step) {
        for (Duration t = Duration.ZERO; t.compareTo(total) < 0; t = t.plus(step)) {
            clock.advance(step);
            tracker.drain(20).await().indefinitely();
        }
    }

    /**
     * No call of an earlier test left due, and every provider circuit closed: a read circuit left open by an earlier
     * test would fail this test's polls before they reach the emulator (the circuits are shared by the whole run)
     */
    public static void drainEverything(CallTracker tracker, MutableClock clock) {
        io.smallrye.faulttolerance.api.CircuitBreakerMaintenance.get().resetAll();
        clock.reset();
        clock.advance(Duration.ofHours(2));
        while (tracker.runOnce().await().indefinitely() > 0) {
            // settle whatever is left
        }
        clock.reset();
    }
}
