package io.callauth.webhooks;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * When a failed try is tried again: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h after the first, second, ... failed try
 * (±20 % jitter, so that an endpoint that comes back is not hit by every event at once), or after the
 * {@code Retry-After} of a 429 or 503 when it gives one (at most the longest step). After the eighth try, none.
 */
public final class RetrySchedule {

    public static final List<Duration> STEPS = List.of(Duration.ofSeconds(5), Duration.ofMinutes(5),
            Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10),
            Duration.ofHours(10));
    public static final double JITTER = 0.2;
    /** the first try and one per step */
    public static final int MAX_TRIES = STEPS.size() + 1;

    private final DoubleSupplier random;

    /** {@code random}: uniform in [0, 1) */
    public RetrySchedule(DoubleSupplier random) {
        this.random = random;
    }

    public static RetrySchedule jittered() {
        return new RetrySchedule(() -> java.util.concurrent.ThreadLocalRandom.current().nextDouble());
    }

    /**
     * The wait before the next try after {@code triesSoFar} tries (the one that just failed included), or empty when
     * none is left. {@code retryAfter}: what the endpoint asked for (429/503), used instead of the step.
     */
    public Optional<Duration> next(int triesSoFar, Optional<Duration> retryAfter) {
        if (triesSoFar >= MAX_TRIES || triesSoFar < 1) {
            return Optional.empty();
        }
        if (retryAfter.isPresent() && !retryAfter.get().isNegative()) {
            Duration longest = STEPS.get(STEPS.size() - 1);
            return Optional.of(retryAfter.get().compareTo(longest) > 0 ? longest : retryAfter.get());
        }
        Duration step = STEPS.get(triesSoFar - 1);
        double factor = 1 + JITTER * (2 * random.getAsDouble() - 1);
        return Optional.of(Duration.ofMillis(Math.round(step.toMillis() * factor)));
    }
}
