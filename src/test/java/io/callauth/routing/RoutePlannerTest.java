package io.callauth.routing;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The choice's arithmetic: cost per approval with the fallback counted, the prior, ties, determinism. */
class RoutePlannerTest {

    static final List<String> CHAIN = List.of("callpass", "yunhu");
    static final RoutePlanner PLANNER = new RoutePlanner(4, 0.9, 0.8, 20);

    static ProviderFigures f(String p, double placed, double delivered, double approved) {
        return new ProviderFigures(p, (long) placed, (long) delivered, (long) approved, 5.0, placed, delivered, approved);
    }

    static GroupFigures group(ProviderFigures... ps) {
        return GroupFigures.named("RU/Beeline", List.of(ps));
    }

    @Test
    void healthyCheapProviderFirst() {
        RoutePlanner.Plan p = PLANNER.plan(CHAIN, new double[]{0.4, 0.6}, group(f("callpass", 100, 95, 90)));
        assertThat(p.order()).containsExactly("callpass", "yunhu");
        assertThat(p.reason()).isEqualTo(RoutePlanner.Reason.COST_PER_APPROVAL);
    }

    @Test
    void underDeliveringProviderMovesBehindDespiteItsPrice() {
        GroupFigures g = group(f("callpass", 100, 20, 19), f("yunhu", 30, 28, 26));
        RoutePlanner.Plan p = PLANNER.plan(CHAIN, new double[]{0.4, 0.6}, g);
        assertThat(p.order()).containsExactly("yunhu", "callpass");
        // the fallback is counted: callpass first costs 0.4 + 0.8 * 0.6 per ~0.87 approvals
        RoutePlanner.Estimate cp = p.estimates().get(0);
        RoutePlanner.Estimate yh = p.estimates().get(1);
        assertThat(cp.expectedCostPerApproval()).isGreaterThan(yh.expectedCostPerApproval());
        assertThat(cp.delivery()).isCloseTo((20 + 3.6) / 104, org.assertj.core.data.Offset.offset(1e-3));
    }

    @Test
    void littleDataKeepsTheChainOrder() {
        GroupFigures g = group(f("callpass", 10, 1, 1));
        RoutePlanner.Plan p = PLANNER.plan(CHAIN, new double[]{0.4, 0.6}, g);
        assertThat(p.order()).containsExactly("callpass", "yunhu");
        assertThat(p.reason()).isEqualTo(RoutePlanner.Reason.LITTLE_DATA);
        assertThat(PLANNER.plan(CHAIN, new double[]{0.4, 0.6}, null).order()).containsExactly("callpass", "yunhu");
    }

    @Test
    void equalFiguresAndCostsKeepTheChainOrder() {
        GroupFigures g = group(f("callpass", 50, 45, 40), f("yunhu", 50, 45, 40));
        assertThat(PLANNER.plan(CHAIN, new double[]{1, 1}, g).order()).containsExactly("callpass", "yunhu");
        assertThat(PLANNER.plan(List.of("yunhu", "callpass"), new double[]{1, 1}, g).order())
                .containsExactly("yunhu", "callpass");
    }

    @Test
    void aCheaperProviderWinsAtEqualDelivery() {
        GroupFigures g = group(f("callpass", 50, 45, 40), f("yunhu", 50, 45, 40));
        assertThat(PLANNER.plan(CHAIN, new double[]{0.6, 0.4}, g).order()).containsExactly("yunhu", "callpass");
    }

    @Test
    void sameFiguresSameOrderOnTwoPlanners() {
        GroupFigures g = group(f("callpass", 77.7, 40.1, 33.3), f("yunhu", 12.5, 11.9, 10.2), f("sunsim", 5, 4, 4));
        List<String> chain = List.of("callpass", "yunhu", "sunsim");
        double[] costs = {0.4, 0.6, 0.5};
        RoutePlanner other = new RoutePlanner(4, 0.9, 0.8, 20);
        assertThat(other.plan(chain, costs, g)).isEqualTo(PLANNER.plan(chain, costs, g));
    }

    @Test
    void permutationsAreLexicographic() {
        assertThat(RoutePlanner.permutations(3)).hasSize(6);
        assertThat(RoutePlanner.permutations(3).get(0)).containsExactly(0, 1, 2);
        assertThat(RoutePlanner.permutations(3).get(5)).containsExactly(2, 1, 0);
    }
}
