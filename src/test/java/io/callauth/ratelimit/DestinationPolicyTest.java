package io.callauth.ratelimit;

import io.callauth.common.ApiProblem;
import io.callauth.verification.AbuseGuard;
import io.callauth.verification.ClientContext;
import io.callauth.phone.PhoneNumbers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Geo and number-type refusals for a table of numbers, with the defaults of application.properties. */
class DestinationPolicyTest {

    private final PhoneNumbers phones = new PhoneNumbers("RU");
    private final DestinationPolicy policy = new DestinationPolicy(new GeoConfig() {
        @Override
        public List<String> allowedRegions() {
            return List.of("RU", "KZ");
        }

        @Override
        public Optional<List<String>> deniedPrefixes() {
            return Optional.of(List.of("7939"));
        }

        @Override
        public List<String> deniedNumberTypes() {
            return List.of("premium_rate", "shared_cost", "uan", "voicemail", "unknown", "toll_free", "pager");
        }
    });

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "+7 916 123-45-67, allowed",                     // RU mobile
            "+7 701 123 4567, allowed",                      // KZ mobile
            "+7 495 123-45-67, allowed",                     // RU fixed line (Moscow)
            "8 800 555-35-35, number_type_toll_free",        // RU toll-free
            "8 809 505-12-34, number_type_premium_rate",     // RU premium rate
            "+44 20 7946 0958, country_not_allowed",         // GB fixed line
            "+1 202 555 0143, country_not_allowed",          // US
            "+380 50 123 4567, country_not_allowed",         // UA mobile
            "+7 939 123-45-67, prefix_denied",               // configured deny-listed prefix
    })
    void decides(String number, String expected) {
        PhoneNumbers.Phone phone = phones.normalise(number);
        AbuseGuard.Attempt attempt = new AbuseGuard.Attempt(AbuseGuard.Action.START, "k", phone, ClientContext.EMPTY, null);
        String outcome;
        try {
            policy.admit(attempt).await().indefinitely();
            outcome = "allowed";
        } catch (ApiProblem p) {
            assertThat(p.status()).isEqualTo(403);
            assertThat(p.code()).isEqualTo("destination_not_allowed");
            outcome = String.valueOf(p.extensions().get("reason"));
        }
        assertThat(outcome).isEqualTo(expected);
    }
}
