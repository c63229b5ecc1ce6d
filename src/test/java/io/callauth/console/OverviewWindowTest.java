package io.callauth.console;

import io.callauth.common.ApiProblem;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The overview's windows and the one-click block's targets: plain values, no app. */
class OverviewWindowTest {

    static final Instant NOW = Instant.parse("2026-12-06T03:12:45Z");

    @Test
    void theLast15MinutesEndNowAndTheHourlyWindowsWithTheCurrentHour() {
        OverviewWindow recent = OverviewWindow.named("15m", NOW);
        assertThat(recent.recent()).isTrue();
        assertThat(recent.from()).isEqualTo(Instant.parse("2026-12-06T02:57:45Z"));
        assertThat(recent.to()).isEqualTo(NOW);
        assertThat(recent.previous()).isEqualTo(Instant.parse("2026-12-06T02:42:45Z"));
        OverviewWindow hour = OverviewWindow.named("1h", NOW);
        assertThat(hour.recent()).isFalse();
        assertThat(hour.from()).isEqualTo(Instant.parse("2026-12-06T03:00:00Z"));
        assertThat(hour.to()).isEqualTo(Instant.parse("2026-12-06T04:00:00Z"));
    }

    @Test
    void aCustomRangeIsWidenedToWholeHoursAndRefusedWhenEmptyOrTooLong() {
        OverviewWindow w = OverviewWindow.custom("2026-12-05T22:10", "2026-12-06T01:30");
        assertThat(w.from()).isEqualTo(Instant.parse("2026-12-05T22:00:00Z"));
        assertThat(w.to()).isEqualTo(Instant.parse("2026-12-06T02:00:00Z"));
        assertThat(w.fromField()).isEqualTo("2026-12-05T22:00");
        assertThat(OverviewWindow.custom("2026-12-05T22:00:00Z", "2026-12-05T23:00:00Z").length().toHours()).isEqualTo(1);
        assertThatThrownBy(() -> OverviewWindow.custom("2026-12-06T01:30", "2026-12-05T22:10"))
                .isInstanceOf(ApiProblem.class).hasMessageContaining("before");
        assertThatThrownBy(() -> OverviewWindow.custom("2026-10-01T00:00", "2026-12-01T00:00"))
                .isInstanceOf(ApiProblem.class).hasMessageContaining("31 days");
        assertThatThrownBy(() -> OverviewWindow.custom("yesterday", "2026-12-01T00:00"))
                .isInstanceOf(ApiProblem.class).hasMessageContaining("not a date");
        assertThatThrownBy(() -> OverviewWindow.custom(null, "2026-12-01T00:00")).isInstanceOf(ApiProblem.class);
    }

    @Test
    void aNetworkBlockTakesTheSlash24OrTheSlash48() {
        assertThat(BlockTarget.network("203.0.113.77")).isEqualTo("203.0.113.0/24");
        assertThat(BlockTarget.network("::ffff:203.0.113.77")).isEqualTo("203.0.113.0/24");
        assertThat(BlockTarget.network("2001:db8:abcd:12::7")).isEqualTo("2001:db8:abcd::/48");
        assertThat(BlockTarget.network("not-an-ip")).isNull();
        assertThat(BlockTarget.network(null)).isNull();
        BlockTarget range = BlockTarget.range("79585550", "312 starts");
        assertThat(range.field()).isEqualTo("prefix");
        assertThat(range.reason()).isEqualTo("range 79585550…: 312 starts");
        assertThat(range.href()).startsWith("/console/rules?action=block&field=prefix&value=79585550&reason=");
    }

    @Test
    void aBlockReturnsOnlyToAConsolePage() {
        assertThat(RulesPageResource.back("/console/attempts?appId=x&type=started"))
                .isEqualTo("/console/attempts?appId=x&type=started");
        assertThat(RulesPageResource.back("/console")).isEqualTo("/console");
        for (String bad : new String[]{null, "", "//evil.example/console", "https://evil.example/", "/consolex",
                "/console/../x//", "/console\\evil", "/console/a b", "/v1/rules"}) {
            assertThat(RulesPageResource.back(bad)).as(bad).isEqualTo("/console/rules");
        }
    }
}
