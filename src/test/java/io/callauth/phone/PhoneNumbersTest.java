package io.callauth.phone;

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

    /**
     * normalise asks libphonenumber for the region and the type once instead of calling isValidNumber too: it must
     * accept exactly the numbers isValidNumber accepts, over calling codes with one region, with several (+1, +7,
     * +44), a non-geographic one (+800) and lengths around the valid ones
     */
    @Test
    void acceptsExactlyWhatLibphonenumberCallsValid() {
        com.google.i18n.phonenumbers.PhoneNumberUtil util = com.google.i18n.phonenumbers.PhoneNumberUtil.getInstance();
        java.util.Random random = new java.util.Random(42);
        int valid = 0, invalid = 0;
        for (String cc : new String[]{"1", "7", "44", "33", "49", "86", "91", "234", "800", "882", "998"}) {
            for (int i = 0; i < 400; i++) {
                int len = 6 + random.nextInt(8);
                StringBuilder n = new StringBuilder("+").append(cc);
                for (int d = 0; d < len; d++) {
                    n.append(d == 0 ? 1 + random.nextInt(9) : random.nextInt(10));
                }
                boolean expected;
                try {
                    expected = util.isValidNumber(util.parse(n.toString(), "RU"));
                } catch (com.google.i18n.phonenumbers.NumberParseException e) {
                    expected = false;
                }
                boolean accepted;
                try {
                    phones.normalise(n.toString());
                    accepted = true;
                } catch (ApiProblem e) {
                    accepted = false;
                }
                assertThat(accepted).as(n.toString()).isEqualTo(expected);
                if (expected) {
                    valid++;
                } else {
                    invalid++;
                }
            }
        }
        assertThat(valid).isGreaterThan(200);
        assertThat(invalid).isGreaterThan(200);
    }

    @Test
    void otherDefaultRegion() {
        assertThat(new PhoneNumbers("GB").normalise("020 7946 0958").e164()).isEqualTo("+442079460958");
    }
}
