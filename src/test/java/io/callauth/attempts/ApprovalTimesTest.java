package io.callauth.attempts;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ApprovalTimesTest {

    @Test
    void roundsToTheSecondThenTenSecondsThenTheMinute() {
        assertThat(ApprovalTimes.round(-1)).isZero();
        assertThat(ApprovalTimes.round(12.49)).isEqualTo(12);
        assertThat(ApprovalTimes.round(12.5)).isEqualTo(13);
        assertThat(ApprovalTimes.round(119.4)).isEqualTo(119);
        assertThat(ApprovalTimes.round(119.5)).isEqualTo(120);
        assertThat(ApprovalTimes.round(124.9)).isEqualTo(120);
        assertThat(ApprovalTimes.round(125)).isEqualTo(130);
        assertThat(ApprovalTimes.round(594)).isEqualTo(590);
        assertThat(ApprovalTimes.round(595)).isEqualTo(600);
        assertThat(ApprovalTimes.round(1169)).isEqualTo(1140);
    }
}
