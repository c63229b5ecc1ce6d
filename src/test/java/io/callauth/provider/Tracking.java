package io.callauth.provider;

import io.callauth.common.MutableClock;

import java.time.Duration;

/** Test helper: leaves no call of an earlier test due, so a test sees only its own tracking work. */
public final class Tracking {
    private Tracking() {
    }

    public static void drainEverything(CallTracker tracker, MutableClock clock) {
        clock.reset();
        clock.advance(Duration.ofHours(2));
        while (tracker.runOnce().await().indefinitely() > 0) {
            // settle whatever is left
        }
        clock.reset();
    }
}
