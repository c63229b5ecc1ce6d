package io.callauth.phone;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CarriersTest {

    @Test
    void namesTheNetworkOfARussianMobileRange() {
        assertThat(Carriers.of("+79031234567")).contains("Beeline");
        assertThat(Carriers.of("+79001234567")).contains("Tele2");
        assertThat(Carriers.of("+79261234567")).contains("MegaFon");
    }

    @Test
    void noCarrierForALandlineARangeTheDataLacksOrGarbage() {
        // the data names no network for +7 916 (MTS's range): such numbers group by their first five digits
        assertThat(Carriers.of("+79161234567")).isEmpty();
        assertThat(Carriers.of("+74951234567")).isEmpty();
        assertThat(Carriers.of("not a number")).isEmpty();
        assertThat(Carriers.of(null)).isEmpty();
    }

    @Test
    void groupIsCountryAndCarrierElseCountryAndFiveDigits() {
        assertThat(DestinationGroup.of("+79031234567", "RU").key()).isEqualTo("RU/Beeline");
        assertThat(DestinationGroup.of("+79161234567", "RU").key()).isEqualTo("RU/+79161");
        assertThat(DestinationGroup.of("+74951234567", null))
                .isEqualTo(new DestinationGroup("RU", null, "+74951"));
        assertThat(DestinationGroup.of("+74951234567", null).key()).isEqualTo("RU/+74951");
    }
}
