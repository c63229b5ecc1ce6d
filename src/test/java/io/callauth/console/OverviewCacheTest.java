package io.callauth.console;

import io.callauth.attempts.AttemptType;
import io.callauth.attempts.AttemptArchive;
import io.callauth.attempts.AttemptLog;
import io.callauth.attempts.AttemptRecords;
import io.callauth.common.MutableClock;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The overview's long windows come from their last computation, kept in Redis: the same figures while it is younger
 * than the refresh interval (1 minute), still those figures but recomputed in the background once it is older, and
 * computed while the page waits once it is older than ten intervals. The short windows are read live. Clock-driven:
 * the clock stands 500 days ahead, where only this test's records are.
 */
@QuarkusTest
class OverviewCacheTest {

    @Inject
    OverviewCache cache;
    @Inject
    AttemptArchive archive;
    @Inject
    MutableClock clock;
    @Inject
    RedisDataSource redis;

    static final AtomicInteger SEQ = new AtomicInteger();

    @BeforeEach
    void farAhead() {
        clock.reset();
        Instant now = clock.instant();
        Instant target = now.plus(Duration.ofDays(500)).truncatedTo(ChronoUnit.HOURS).plus(Duration.ofMinutes(20));
        clock.advance(Duration.between(now, target));
        clock.freeze();
        redis.key().del(OverviewCache.KEY + "7d", OverviewCache.KEY + "30d", OverviewCache.KEY + "7d:refreshing");
    }

    @AfterEach
    void back() {
        clock.reset();
    }

    /** one started verification, a minute before the clock's time */
    private void started() throws Exception {
        long at = clock.millis() - 60_000;
        archive.store(List.of(new AttemptLog.Entry(at + "-" + (700_000 + SEQ.incrementAndGet()),
                AttemptRecords.at(at, AttemptType.STARTED).verification("vf_cache" + SEQ.get()).provider("sandbox").build())));
    }

    private long started(String window) throws Exception {
        return cache.overview(window).totals().started();
    }

    @Test
    void aLongWindowIsServedFromItsLastComputationAndRefreshedInTheBackground() throws Exception {
        started();
        long first = started("7d");
        assertThat(first).isPositive();
        Instant computed = cache.overview("7d").computedAt();

        started();
        clock.advance(Duration.ofSeconds(30));
        // younger than the refresh interval: the same computation, the new record not in it yet
        assertThat(started("7d")).isEqualTo(first);
        assertThat(cache.overview("7d").computedAt()).isEqualTo(computed);

        clock.advance(Duration.ofSeconds(40));
        // older: still served at once, and recomputed in the background
        assertThat(started("7d")).isEqualTo(first);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(started("7d")).isEqualTo(first + 1));
        assertThat(cache.overview("7d").computedAt()).isAfter(computed);

        // far older than the interval (nobody looked for 11 minutes): computed while the page waits
        clock.advance(Duration.ofMinutes(11));
        started();
        assertThat(started("7d")).isEqualTo(first + 2);
    }

    @Test
    void theShortWindowsAreReadLive() throws Exception {
        started();
        long before = started("24h");
        started();
        assertThat(started("24h")).isEqualTo(before + 1);
        assertThat(started("1h")).isEqualTo(before + 1);
        // the last 15 minutes too, from the records
        long recent = cache.overview(OverviewWindow.named("15m", clock.instant())).totals().started();
        assertThat(recent).isPositive();
        started();
        assertThat(cache.overview(OverviewWindow.named("15m", clock.instant())).totals().started()).isEqualTo(recent + 1);
    }

    @Test
    void aCustomRangeIsServedFromItsComputationOfTheLastRefreshPeriod() throws Exception {
        started();
        Instant hour = clock.instant().truncatedTo(ChronoUnit.HOURS);
        OverviewWindow range = OverviewWindow.custom(hour.minus(Duration.ofHours(2)).toString(),
                hour.plus(Duration.ofMinutes(30)).toString());
        redis.key().del(OverviewCache.KEY + "custom:" + range.from().getEpochSecond() + "-" + range.to().getEpochSecond());
        long first = cache.overview(range).totals().started();
        assertThat(first).isPositive();
        started();
        clock.advance(Duration.ofSeconds(30));
        assertThat(cache.overview(range).totals().started()).isEqualTo(first);
        clock.advance(Duration.ofSeconds(40));
        assertThat(cache.overview(range).totals().started()).isEqualTo(first + 1);
    }
}
