package io.callauth.common;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Every offset form of RFC 3339 / ISO 8601 that clients send names the same instant; anything else is refused. */
class TimestampsTest {

    static final Instant MIDNIGHT = Instant.parse("2026-12-01T00:00:00Z");

    @ParameterizedTest
    @ValueSource(strings = {
            "2026-12-01T00:00:00Z", "2026-12-01T00:00:00z", "2026-12-01t00:00:00Z",
            "2026-12-01T00:00:00+00:00", "2026-12-01T00:00:00-00:00",
            // what the generated Python client sends (strftime %z): no colon, microseconds
            "2026-12-01T00:00:00.000000+0000", "2026-12-01T00:00:00+0000", "2026-12-01T00:00:00+00",
            "2026-12-01T03:00:00+03:00", "2026-12-01T03:00:00+0300", "2026-12-01T03:00:00+03",
            "2026-11-30T19:30:00-04:30", "2026-11-30T19:30:00-0430",
            "2026-12-01T00:00:00.0Z", "2026-12-01T00:00:00.000Z", "2026-12-01T00:00:00,000Z",
            "2026-12-01T05:30:00.000000000000+05:30",
            // ISO 8601 without seconds, as OffsetDateTime.toString() writes a whole minute
            "2026-12-01T00:00Z", "2026-12-01T03:00+03:00"})
    void everyOffsetFormNamesTheInstant(String s) {
        assertThat(Timestamps.parse(s)).hasValue(MIDNIGHT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-12-01T00:00:00.5Z", "2026-12-01T00:00:00.500+0000", "2026-12-01T03:00:00.5+03",
            "2026-12-01T00:00:00.500000000999Z"})
    void fractionsOfAnyLength(String s) {
        assertThat(Timestamps.parse(s)).hasValue(MIDNIGHT.plusMillis(500));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-12-01T00:00:00.123456789Z", "2026-12-01T00:00:00.1234567891234+0000"})
    void nanosecondsAreKept(String s) {
        assertThat(Timestamps.parse(s)).hasValue(MIDNIGHT.plusNanos(123_456_789));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "now", "yesterday", "2026-12-01", "2026-12-01T00:00:00", "2026-12-01T00Z", "2026-12-01T00:00.5Z",
            "2026-12-01 00:00:00Z", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-12-01T24:00:00Z",
            "2026-12-01T00:00:00+19:00", "2026-12-01T00:00:00+01:60", "2026-12-01T00:00:00+1", "2026-12-01T00:00:00+001",
            "2026-12-01T00:00:00.Z", "2026-12-01T00:00:00ZZ", "2026-12-01T00:00:00 00:00", "1764547200",
            "2026-12-01T00:00:00+00:00[Europe/Moscow]", "+2026-12-01T00:00:00Z", "２０２６-12-01T00:00:00Z"})
    void garbageIsRefused(String s) {
        assertThat(Timestamps.parse(s)).isEmpty();
        ApiProblem p = catchThrowableOfType(ApiProblem.class, () -> Timestamps.require(s, "from"));
        assertThat(p.status()).isEqualTo(400);
        assertThat(p.code()).isEqualTo("invalid_request");
        assertThat(p.getMessage()).startsWith("from must be an RFC 3339 date-time with an offset");
    }

    @org.junit.jupiter.api.Test
    void anUnencodedPlusIsNamedInTheError() {
        assertThat(catchThrowableOfType(ApiProblem.class,
                () -> Timestamps.require("2026-12-01T00:00:00 00:00", "to")).getMessage()).contains("%2B");
        assertThat(catchThrowableOfType(ApiProblem.class,
                () -> Timestamps.require("tomorrow", "to")).getMessage()).doesNotContain("%2B");
    }

    @org.junit.jupiter.api.Test
    void aLeapSecondIsTheEndOfSecond59() {
        assertThat(Timestamps.parse("2016-12-31T23:59:60Z")).hasValue(Instant.parse("2016-12-31T23:59:59.999999999Z"));
    }
}
