package io.callauth.common;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** The application's clock in tests: real time plus an offset the test moves forward. No sleeps for expiry. */
@Alternative
@Priority(1)
@Singleton
public class MutableClock extends Clock {

    private final AtomicLong offsetMillis = new AtomicLong();
    /** while set: the time stands still at this instant (plus what {@link #advance} adds) */
    private volatile Long frozenAt;

    /** Stops the clock where it is: only {@link #advance} moves it, so a test's arithmetic is exact on a slow machine. */
    public void freeze() {
        frozenAt = System.currentTimeMillis();
    }

    public void advance(Duration d) {
        offsetMillis.addAndGet(d.toMillis());
    }

    public void reset() {
        frozenAt = null;
        offsetMillis.set(0);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public long millis() {
        Long frozen = frozenAt;
        return (frozen != null ? frozen : System.currentTimeMillis()) + offsetMillis.get();
    }
}
