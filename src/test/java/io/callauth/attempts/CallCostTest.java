package io.callauth.attempts;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A placed call's cost, as the rollups add it to spend: the placing provider's cost in the record's routing detail. */
class CallCostTest {

    static AttemptRecord placed(String provider, String detail) {
        return AttemptRecords.at(1, AttemptType.CALL_PLACED).verification("vf_1").provider(provider).detail(detail)
                .build();
    }

    @Test
    void thePlacingProvidersCost() {
        String detail = "{\"routing\":\"adaptive\",\"order\":[\"yunhu\",\"callpass\"],\"providers\":["
                + "{\"provider\":\"callpass\",\"cost\":0.4},{\"provider\":\"yunhu\",\"cost\":0.65}]}";
        assertThat(RollupWriter.callCost(placed("yunhu", detail))).isEqualTo(0.65);
        assertThat(RollupWriter.callCost(placed("callpass", detail))).isEqualTo(0.4);
        assertThat(RollupWriter.callCost(placed("sunsim", detail))).isZero();
        assertThat(RollupWriter.callCost(placed("callpass", null))).isZero();
        assertThat(RollupWriter.callCost(placed("callpass", "{\"cost\": not json"))).isZero();
    }

    static AttemptRecord refused(String outcome, String detail) {
        return AttemptRecords.at(1, AttemptType.REFUSED).outcome(outcome).reason("rate_limited").rule("destination")
                .detail(detail).build();
    }

    @Test
    void aRefusedStartsWouldBeCost() {
        assertThat(RollupWriter.preventedCost(refused(null, "{\"prevented\":{\"provider\":\"callpass\",\"cost\":0.25}}")))
                .isEqualTo(0.25);
        assertThat(RollupWriter.preventedCost(refused(null, "{\"prevented\":{\"provider\":\"callpass\",\"cost\":0}}")))
                .isZero();
        // no would-be call named: nothing prevented
        assertThat(RollupWriter.preventedCost(refused(null, null))).isNegative();
        assertThat(RollupWriter.preventedCost(refused(null, "{\"prevented\":{}}"))).isNegative();
        assertThat(RollupWriter.preventedCost(refused(null, "{\"prevented\": not json"))).isNegative();
    }
}
