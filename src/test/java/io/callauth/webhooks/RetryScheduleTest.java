package io.callauth.webhooks;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The retry schedule: its steps, their jitter, Retry-After, and the end. */
class RetryScheduleTest {

    @Test
    void stepsWithTwentyPercentJitterThenNone() {
        RetrySchedule low = new RetrySchedule(() -> 0.0);
        RetrySchedule mid = new RetrySchedule(() -> 0.5);
        RetrySchedule high = new RetrySchedule(() -> 0.999_999);
        Duration[] steps = {Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(2),
                Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10)};
        for (int tries = 1; tries <= 7; tries++) {
            Duration step = steps[tries - 1];
            assertThat(mid.next(tries, Optional.empty())).contains(step);
            assertThat(low.next(tries, Optional.empty())).contains(Duration.ofMillis(Math.round(step.toMillis() * 0.8)));
            assertThat(high.next(tries, Optional.empty()).orElseThrow())
                    .isLessThanOrEqualTo(Duration.ofMillis(Math.round(step.toMillis() * 1.2)))
                    .isGreaterThan(step);
        }
        assertThat(mid.next(8, Optional.empty())).isEmpty();
        assertThat(RetrySchedule.MAX_TRIES).isEqualTo(8);
    }

    @Test
    void retryAfterReplacesTheStepUpToTheLongest() {
        RetrySchedule s = new RetrySchedule(() -> 0.5);
        assertThat(s.next(1, Optional.of(Duration.ofSeconds(90)))).contains(Duration.ofSeconds(90));
        assertThat(s.next(2, Optional.of(Duration.ofDays(3)))).contains(Duration.ofHours(10));
        assertThat(s.next(8, Optional.of(Duration.ofSeconds(1)))).isEmpty();
        assertThat(WebhookHttp.retryAfter(429, "30")).contains(Duration.ofSeconds(30));
        assertThat(WebhookHttp.retryAfter(503, " 7 ")).contains(Duration.ofSeconds(7));
        assertThat(WebhookHttp.retryAfter(500, "30")).isEmpty();
        assertThat(WebhookHttp.retryAfter(429, "Wed, 21 Oct 2026 07:28:00 GMT")).isEmpty();
    }
}
