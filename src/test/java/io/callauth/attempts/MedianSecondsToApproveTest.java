package io.callauth.attempts;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The median PostgreSQL computes from the approval-time histograms: {@code percentile_cont(0.5)} of the rounded values
 * (the mean of the two middle ones when their count is even), per group and over all groups, a group of the window
 * only; histogram rows of other hours and dimensions do not count. Rows are written straight into
 * {@code attempt_approval_times}, in hours of 13 days ago (inside the retention) that no other test writes into.
 */
@QuarkusTest
class MedianSecondsToApproveTest {

    @Inject
    AttemptQueries archive;
    @Inject
    ArchiveSchema schema;
    @Inject
    AgroalDataSource db;

    static final Instant H = Instant.now().minus(Duration.ofDays(13)).truncatedTo(ChronoUnit.DAYS).plus(Duration.ofHours(3));

    private void histogram(String dim, Instant hour, String value, Map<Integer, Long> counts) throws Exception {
        schema.ensureSchema();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO attempt_approval_times (dim, hour, value, seconds, approved) VALUES (?, ?, ?, ?, ?)"
                        + " ON CONFLICT (dim, hour, value, seconds) DO UPDATE SET approved = excluded.approved")) {
            for (var e : counts.entrySet()) {
                ps.setString(1, dim);
                ps.setObject(2, OffsetDateTime.ofInstant(hour, ZoneOffset.UTC));
                ps.setString(3, value);
                ps.setInt(4, e.getKey());
                ps.setLong(5, e.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Test
    void percentileContOfTheRoundedValuesPerGroupAndOverAll() throws Exception {
        histogram("country", H, "RU", Map.of(20, 1L));                  // 20
        histogram("country", H, "KZ", Map.of(20, 1L, 30, 1L));          // 20, 30: even, the mean
        histogram("country", H, "AM", Map.of(20, 1L, 30, 1L, 31, 1L));  // 20, 30, 31
        histogram("country", H, "GE", Map.of(7, 3L, 20, 1L, 30, 1L, 31, 1L, 99, 0L)); // 7,7,7,20,30,31; 99 counts none
        histogram("country", H.plus(Duration.ofHours(1)), "GE", Map.of(400, 2L)); // GE's next hour: 7,7,7,20,30,31,400,400
        histogram("country", H.minus(Duration.ofHours(1)), "RU", Map.of(1000, 5L)); // before the window
        histogram("provider", H, "callpass", Map.of(1, 50L));           // another dimension

        Map<String, Double> m = archive.medianSecondsToApprove("country", H, H.plus(Duration.ofHours(1)));
        assertThat(m).containsEntry("RU", 20.0).containsEntry("KZ", 25.0).containsEntry("AM", 30.0)
                .containsEntry("GE", 13.5).hasSize(5);
        // over all of them: 7,7,7,20,20,20,20,30,30,30,31,31 → the 6th and 7th
        assertThat(m.get(null)).isEqualTo(20.0);

        Map<String, Double> two = archive.medianSecondsToApprove("country", H, H.plus(Duration.ofHours(2)));
        assertThat(two).containsEntry("GE", 25.0).containsEntry("RU", 20.0);
    }

    @Test
    void byHourTheKeyIsTheHourAndAWindowWithoutApprovalsHasNone() throws Exception {
        Instant h = H.plus(Duration.ofDays(1));
        histogram("all", h, "", Map.of(10, 2L, 40, 1L));
        histogram("all", h.plus(Duration.ofHours(1)), "", Map.of(5, 1L, 6, 1L));
        Map<String, Double> m = archive.medianSecondsToApprove("hour", h, h.plus(Duration.ofHours(2)));
        assertThat(m).containsEntry(h.toString(), 10.0).containsEntry(h.plus(Duration.ofHours(1)).toString(), 5.5)
                .containsEntry(null, 10.0).hasSize(3); // 5,6,10,10,40
        assertThat(archive.medianSecondsToApprove("hour", h.plus(Duration.ofHours(5)), h.plus(Duration.ofHours(6))))
                .isEmpty();
    }
}
