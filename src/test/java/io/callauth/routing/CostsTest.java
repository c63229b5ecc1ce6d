package io.callauth.routing;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Costs per provider, overridden per country and per prefix (the longest wins), and what the choice makes of them. */
class CostsTest {

    static final Costs COSTS = Costs.of(Map.of("callpass", 0.4, "yunhu", 0.6),
            List.of("callpass:KZ=0.9", "callpass:+7916=0.7", "callpass:+79168=0.2", "yunhu:ru=0.5"));

    @Test
    void baseCountryAndPrefix() {
        assertThat(COSTS.of("callpass", "+79031234567", "RU")).isEqualTo(0.4);
        assertThat(COSTS.of("callpass", "+77011234567", "KZ")).isEqualTo(0.9);
        assertThat(COSTS.of("callpass", "+79161234567", "RU")).isEqualTo(0.7);
        assertThat(COSTS.match("callpass", "+79168234567", "RU")).isEqualTo(new Costs.Match(0.2, "+79168"));
        assertThat(COSTS.of("yunhu", "+79161234567", "RU")).isEqualTo(0.5);
        assertThat(COSTS.of("yunhu", "+77011234567", "KZ")).isEqualTo(0.6);
        assertThat(COSTS.of("sunsim", "+77011234567", "KZ")).isEqualTo(Costs.DEFAULT_COST);
        assertThat(COSTS.hasPrefixFor("+79161234567")).isTrue();
        assertThat(COSTS.hasPrefixFor("+79031234567")).isFalse();
    }

    @Test
    void overridesMoveTheChoice() {
        GroupFigures g = GroupFigures.named("RU/+79161", List.of(RoutePlannerTest.f("callpass", 100, 90, 80),
                RoutePlannerTest.f("yunhu", 100, 90, 80)));
        List<String> chain = List.of("callpass", "yunhu");
        // RU at large: callpass 0.4 < yunhu 0.5
        double[] ru = {COSTS.of("callpass", "+79031234567", "RU"), COSTS.of("yunhu", "+79031234567", "RU")};
        assertThat(RoutePlannerTest.PLANNER.plan(chain, ru, g).order()).containsExactly("callpass", "yunhu");
        // +7916: callpass 0.7 > yunhu 0.5
        double[] p7916 = {COSTS.of("callpass", "+79161234567", "RU"), COSTS.of("yunhu", "+79161234567", "RU")};
        assertThat(RoutePlannerTest.PLANNER.plan(chain, p7916, g).order()).containsExactly("yunhu", "callpass");
    }

    @Test
    void badOverridesAreRefusedWithTheirText() {
        assertThatThrownBy(() -> Costs.of(Map.of(), List.of("callpass=1"))).hasMessageContaining("callpass=1");
        assertThatThrownBy(() -> Costs.of(Map.of(), List.of("callpass:RUS=1"))).hasMessageContaining("2-letter");
        assertThatThrownBy(() -> Costs.of(Map.of(), List.of("callpass:RU=x"))).hasMessageContaining("no number");
    }
}
