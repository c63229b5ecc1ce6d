package io.callauth.ratelimit;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LimitTest {

    @Test
    void parsesWindows() {
        Limit l = Limit.parse("destination", "3/10m, 10/24h");
        assertThat(l.windows()).containsExactly(new Limit.Window(3, Duration.ofMinutes(10)),
                new Limit.Window(10, Duration.ofHours(24)));
        assertThat(Limit.parse("x", "off").enabled()).isFalse();
        assertThat(Limit.parse("x", "5/30s").windows().get(0).per()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void rejectsNonsenseWithTheRuleName() {
        assertThatThrownBy(() -> Limit.parse("ip", "20 per minute")).hasMessageContaining("ip");
        assertThatThrownBy(() -> Limit.parse("ip", "20/10 minutes")).hasMessageContaining("ip");
        assertThatThrownBy(() -> Limit.parse("ip", "0/10m")).hasMessageContaining("positive");
    }
}
