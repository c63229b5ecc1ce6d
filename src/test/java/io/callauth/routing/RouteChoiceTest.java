package io.callauth.routing;

import io.callauth.provider.chain.RouteOrder;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** From a group's plan to one call's order: exploration share, open circuits, resend. */
class RouteChoiceTest {

    static final List<String> PLAN = List.of("yunhu", "callpass", "sunsim");

    @Test
    void explorationShareIsHonoured() {
        Random random = new Random(42);
        int n = 20_000;
        Map<String, Integer> first = new HashMap<>();
        int explored = 0;
        for (int i = 0; i < n; i++) {
            RouteChoice.Choice c = RouteChoice.choose(PLAN, p -> true, RouteOrder.Purpose.START, null, 0.05, random);
            first.merge(c.order().get(0), 1, Integer::sum);
            explored += c.explored() ? 1 : 0;
            assertThat(c.order()).containsExactlyInAnyOrderElementsOf(PLAN);
        }
        // 5 % of 20,000 = 1,000; sd ~ 31: 6 sd either side
        assertThat(explored).isBetween(810, 1190);
        assertThat(first.get("yunhu")).isEqualTo(n - explored);
        // the others share the explored starts about evenly
        assertThat(first.get("callpass")).isBetween(350, 650);
        assertThat(first.get("sunsim")).isBetween(350, 650);
    }

    @Test
    void fallbacksAndResendsNeverExplore() {
        Random random = new Random(7);
        for (int i = 0; i < 1000; i++) {
            assertThat(RouteChoice.choose(PLAN, p -> true, RouteOrder.Purpose.FALLBACK, null, 1.0, random).order())
                    .isEqualTo(PLAN);
        }
        assertThat(RouteChoice.choose(PLAN, p -> true, RouteOrder.Purpose.RESEND, "yunhu", 1.0, random).order())
                .containsExactly("callpass", "sunsim", "yunhu");
    }

    @Test
    void openCircuitsKeepTheirPlaceAndAreNotExplored() {
        Random random = new Random(1);
        Set<String> open = Set.of("callpass");
        for (int i = 0; i < 1000; i++) {
            RouteChoice.Choice c = RouteChoice.choose(PLAN, p -> !open.contains(p), RouteOrder.Purpose.START, null,
                    0.5, random);
            assertThat(c.order().get(0)).isNotEqualTo("callpass");
        }
        // skipped as the chain skips it: its placement fails at once and the next takes over
        assertThat(RouteChoice.choose(PLAN, p -> !open.contains(p), RouteOrder.Purpose.START, null, 0, random).order())
                .containsExactly("yunhu", "callpass", "sunsim");
    }

    @Test
    void noExplorationAtZero() {
        Random random = new Random(3);
        for (int i = 0; i < 1000; i++) {
            assertThat(RouteChoice.choose(PLAN, p -> true, RouteOrder.Purpose.START, null, 0, random).explored())
                    .isFalse();
        }
    }
}
