package io.callauth.verification;

import io.callauth.common.ApiProblem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PhoneNumbersTest {

    private final PhoneNumbers phones = new PhoneNumbers("RU");

    @ParameterizedTest
    @ValueSource(strings = {"+7 916 123-45-67", "8 (916) 123-45-67", "79161234567", "+79161234567", "8-916-123-45-67",
            "(916) 123 45 67"})
    void russianFormatsBecomeE164(String raw) {
        PhoneNumbers.Phone p = phones.normalise(raw);
        assertThat(p.e164()).isEqualTo("+79161234567");
        assertThat(p.region()).isEqualTo("RU");
        assertThat(p.prefix()).isEqualTo("79161234");
    }

    @Test
    void kazakhNumbersShareTheSevenButNotTheRegion() {
        assertThat(phones.normalise("+7 701 123 4567").region()).isEqualTo("KZ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"12345", "+7 916 123", "not a phone", "+999 123 456 789", "+7 916 123-45-67 ext 5",
            "791612345678901234567890", "++79161234567", "-79161234567", "+79161234567\u0000", "+7 916+123 45 67",
            "7916\u00001234567", ".79161234567", "+-79161234567"})
    void anythingElseIsInvalidPhone(String raw) {
        assertThatThrownBy(() -> phones.normalise(raw)).isInstanceOf(ApiProblem.class)
                .satisfies(e -> assertThat(((ApiProblem) e).code()).isEqualTo("invalid_phone"));
    }

    @Test
    void otherDefaultRegion() {
        assertThat(new PhoneNumbers("GB").normalise("020 7946 0958").e164()).isEqualTo("+442079460958");
    }
}
