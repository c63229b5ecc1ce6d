package io.callauth.fraud;

import io.callauth.common.MutableClock;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A sudden drop of conversion for a prefix or a country raises an alert; a steady one does not. */
@QuarkusTest
class ConversionMonitorTest {

    @Inject
    ConversionMonitor monitor;
    @Inject
    MutableClock clock;
    @Inject
    io.quarkus.redis.datasource.RedisDataSource redis;

    @AfterEach
    void reset() {
        clock.reset();
    }

    private void traffic(String region, String prefix, int started, int approved) {
        for (int i = 0; i < started; i++) {
            monitor.started(region, prefix).await().indefinitely();
        }
        for (int i = 0; i < approved; i++) {
            monitor.approved(region, prefix).await().indefinitely();
        }
    }

    @Test
    void aPumpedPrefixStandsOut() {
        // the previous hours: 60 % conversion in two prefixes of a made-up region
        clock.advance(Duration.ofDays(30));
        traffic("ZZ", "79990001", 40, 24);
        traffic("ZZ", "79990002", 40, 24);
        clock.advance(Duration.ofHours(1));
        // this hour: one prefix is pumped (many starts, nobody types a code), the other goes on as before
        traffic("ZZ", "79990001", 60, 1);
        traffic("ZZ", "79990002", 30, 18);

        List<ConversionMonitor.Alert> alerts = monitor.evaluate().await().indefinitely();

        assertThat(alerts).extracting(ConversionMonitor.Alert::scope, ConversionMonitor.Alert::key)
                .contains(org.assertj.core.groups.Tuple.tuple("prefix", "79990001"),
                        org.assertj.core.groups.Tuple.tuple("country", "ZZ"))
                .doesNotContain(org.assertj.core.groups.Tuple.tuple("prefix", "79990002"));
    }

    /** the counts of an hour outlive the baseline's 24 hours, the hour's set of keys its evaluations; neither forever */
    @Test
    void theCountsAndTheSetOfKeysSeenExpire() {
        clock.advance(Duration.ofDays(50));
        traffic("ZX", "79970001", 2, 1);
        long hour = clock.millis() / Duration.ofHours(1).toMillis();
        String counts = "ca:conv:{prefix:79970001}:" + hour;
        assertThat(redis.hash(String.class).hget(counts, "started")).isEqualTo("2");
        assertThat(redis.hash(String.class).hget(counts, "approved")).isEqualTo("1");
        assertThat(redis.key().pttl(counts)).isBetween(Duration.ofHours(25).toMillis(), Duration.ofHours(26).toMillis());
        assertThat(redis.hash(String.class).hget("ca:conv:{country:ZX}:" + hour, "started")).isEqualTo("2");
        String seen = "ca:conv:prefix:" + hour;
        assertThat(redis.set(String.class).sismember(seen, "79970001")).isTrue();
        assertThat(redis.key().pttl(seen)).isBetween(Duration.ofHours(1).toMillis(), Duration.ofHours(2).toMillis());
    }

    @Test
    void tooLittleTrafficIsNoSignal() {
        clock.advance(Duration.ofDays(40));
        traffic("ZY", "79980001", 30, 20);
        clock.advance(Duration.ofHours(1));
        traffic("ZY", "79980001", 5, 0);
        assertThat(monitor.evaluate().await().indefinitely()).noneMatch(a -> a.key().startsWith("7998") || a.key().equals("ZY"));
    }
}
