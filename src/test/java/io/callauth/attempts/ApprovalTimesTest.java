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

    @Test
    void medianIsPercentileContOfTheRoundedValues() {
        ApprovalTimes h = ApprovalTimes.empty();
        assertThat(h.median()).isNull();
        h.add(20, 1);
        assertThat(h.median()).isEqualTo(20.0);
        h.add(30, 1);
        assertThat(h.median()).isEqualTo(25.0); // even: the mean of the two middle values
        h.add(31, 1);
        assertThat(h.median()).isEqualTo(30.0);
        h.add(7, 3); // 7,7,7,20,30,31
        assertThat(h.median()).isEqualTo(13.5);
        h.add(99, 0);
        assertThat(h.median()).isEqualTo(13.5);
    }

    @Test
    void groupsTogetherAreTheTotal() {
        ApprovalTimes a = ApprovalTimes.empty();
        a.add(10, 2);
        ApprovalTimes b = ApprovalTimes.empty();
        b.add(40, 1);
        b.add(10, 1);
        a.addAll(b);
        assertThat(a.median()).isEqualTo(10.0); // 10,10,10,40
    }
}
