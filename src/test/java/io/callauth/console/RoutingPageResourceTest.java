package io.callauth.console;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class RoutingPageResourceTest {

    @Test
    void theWindowIsSaidAsAPersonSaysIt() {
        assertThat(RoutingPageResource.span(Duration.ofMinutes(60))).isEqualTo("hour");
        assertThat(RoutingPageResource.span(Duration.ofHours(6))).isEqualTo("6 hours");
        assertThat(RoutingPageResource.span(Duration.ofMinutes(30))).isEqualTo("30 minutes");
        assertThat(RoutingPageResource.span(Duration.ofMinutes(1))).isEqualTo("minute");
        assertThat(RoutingPageResource.span(Duration.ofSeconds(90))).isEqualTo("90 seconds");
    }
}
