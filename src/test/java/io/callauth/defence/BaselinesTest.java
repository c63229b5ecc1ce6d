package io.callauth.defence;

import io.agroal.api.AgroalDataSource;
import io.callauth.attempts.ArchiveSchema;
import io.callauth.provider.callpass.CallPassEmulatorResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Baselines learned from the archive's rollups: the same hour of the week in the last weeks, averaged, per 10-minute
 * window; a value without history gets the conservative defaults. The test's own range and app (drawn per run).
 */
@QuarkusTest
@QuarkusTestResource(CallPassEmulatorResource.class)
class BaselinesTest {

    @Inject
    Baselines baselines;
    @Inject
    AgroalDataSource db;
    @Inject
    ArchiveSchema schema;
    @Inject
    Clock clock;

    @Test
    void learnsEachHourOfTheWeekFromTheRollups() throws Exception {
        schema.ensureSchema();
        String run = UUID.randomUUID().toString().substring(0, 6);
        String range = "7958" + Math.floorMod(run.hashCode(), 9000 + 1000);
        String app = "baseline-" + run;
        Instant hour = clock.instant().truncatedTo(ChronoUnit.HOURS);
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO "
                + "attempt_rollups (hour, dim, value, rule, started, approved) VALUES (?, ?, ?, '', ?, ?) "
                + "ON CONFLICT (dim, hour, value, rule) DO UPDATE SET started = EXCLUDED.started, "
                + "approved = EXCLUDED.approved")) {
            // this hour of the week 1, 2 and 3 weeks ago: 60, 120 and 180 starts; and another hour at the start of
            // the 4 weeks learned from, so that the archive's history covers them all whatever other tests stored:
            // 360 starts over 4 weeks, 90 an hour
            for (int week = 1; week <= 4; week++) {
                Timestamp at = Timestamp.from(week < 4 ? hour.minus(Duration.ofDays(7L * week))
                        : hour.minus(Duration.ofDays(28)).plus(Duration.ofHours(1)));
                for (String[] dv : new String[][]{{"prefix", range}, {"appId", app}}) {
                    ps.setTimestamp(1, at);
                    ps.setString(2, dv[0]);
                    ps.setString(3, dv[1]);
                    ps.setLong(4, week < 4 ? 60 * week : 1);
                    ps.setLong(5, week < 4 ? 45 * week : 0);
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
        assertThat(baselines.refresh(true)).isGreaterThan(0);
        long now = clock.millis();
        Baseline r = baselines.of(Dimension.RANGE, range, now);
        assertThat(r.learned()).isTrue();
        assertThat(r.starts()).isCloseTo(15.0, within(0.01)); // 90 an hour: 15 per 10 minutes
        assertThat(r.conversion()).isCloseTo(0.75, within(0.001));
        assertThat(baselines.of(Dimension.APP, app, now).starts()).isCloseTo(15.0, within(0.01));
        // another hour of the week, another value, a dimension without rollups: the defaults
        assertThat(baselines.of(Dimension.RANGE, range, now + 3_600_000L).learned()).isFalse();
        Baseline none = baselines.of(Dimension.CARRIER, "MegaFon", now);
        assertThat(none.learned()).isFalse();
        assertThat(none.starts()).isEqualTo(100.0); // a carrier, country or app: blocked only far above this
        assertThat(baselines.of(Dimension.DEVICE, "d", now).starts()).isEqualTo(1.0);
        assertThat(none.conversion()).isEqualTo(0.5);
    }
}
