package io.callauth.rules;

import io.callauth.common.MutableClock;
import io.callauth.provider.callpass.CallPassEmulatorResource;
import io.callauth.ratelimit.DefaultLimitsProfile;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.callauth.rules.RulesApiTest.create;
import static io.callauth.rules.RulesApiTest.refusedByRule;
import static io.callauth.rules.RulesApiTest.start;
import static org.hamcrest.Matchers.equalTo;

/**
 * Rules under the production limits, with only RU allowed (the test provider calls +7 numbers only, so a KZ number
 * is the non-allowed country): an allow lifts the geo permissions and the prefix limit, never the destination limit.
 */
@QuarkusTest
@TestProfile(RulesLimitsTest.Profile.class)
@QuarkusTestResource(CallPassEmulatorResource.class)
class RulesLimitsTest {

    public static class Profile extends DefaultLimitsProfile {
        @Override
        public java.util.Map<String, String> getConfigOverrides() {
            java.util.Map<String, String> m = new java.util.HashMap<>(super.getConfigOverrides());
            m.put("callauth.geo.allowed-regions", "RU");
            return m;
        }
    }

    @Inject
    MutableClock clock;
    @Inject
    RedisDataSource redis;
    @Inject
    Rules rules;

    @BeforeEach
    void setUp() {
        CallPassEmulatorResource.emulator().reset();
        clock.reset();
        redis.execute("EVAL", "for _,k in ipairs(redis.call('KEYS','ca:rl:*')) do redis.call('DEL',k) end return 1", "0");
        RulesTesting.clear(redis, rules);
    }

    @AfterEach
    void tearDown() {
        RulesTesting.clear(redis, rules);
    }

    private static String ip(int i) {
        return "10.77." + (i / 200) + "." + (i % 200 + 1);
    }

    @Test
    void anAllowLetsANonAllowedCountryThroughTheGeoPermissions() {
        String kz = "+77012345678";
        start(kz, ip(0), "app-1", "dev-1").statusCode(403).body("reason", equalTo("country_not_allowed"));
        // a monitor allow exempts nothing
        String monitor = create("allow", "phone", kz, "monitor");
        start(kz, ip(1), "app-1", "dev-1").statusCode(403).body("reason", equalTo("country_not_allowed"));
        create("allow", "country", "KZ", "enforce");
        start(kz, ip(2), "app-1", "dev-1").statusCode(201);
        start("+77012345679", ip(3), "app-1", "dev-1").statusCode(201);
        io.callauth.verification.Api.as(io.callauth.verification.Api.FRAUD_KEY).get("/v1/rules").then()
                .statusCode(200).body("items.find { it.id == '" + monitor + "' }.hits", equalTo(2));
    }

    @Test
    void anAllowedPrefixIsNotCutByThePrefixLimit() {
        // without a rule the 51st start into one 8-digit range is refused
        for (int i = 0; i < 50; i++) {
            start(String.format("+7903444%04d", i), ip(i), "app-1", "dev-" + i).statusCode(201);
        }
        start("+79034440050", ip(50), "app-1", "dev-50").statusCode(429).body("rule", equalTo("prefix"));
        // with an allow on the range, 60 go through
        create("allow", "prefix", "7903555", "enforce");
        for (int i = 0; i < 60; i++) {
            start(String.format("+7903555%04d", i), ip(100 + i), "app-1", "dev-" + i).statusCode(201);
        }
    }

    @Test
    void anAllowedNumberStillHasTheDestinationLimit() {
        String phone = "+79035551234";
        create("allow", "phone", phone, "enforce");
        for (int i = 0; i < 3; i++) {
            start(phone, ip(i), "app-1", "dev-1").statusCode(201);
        }
        start(phone, ip(3), "app-1", "dev-1").statusCode(429).body("rule", equalTo("destination"));
    }

    @Test
    void aBlockCostsNoToken() {
        String phone = "+79035559876";
        String id = create("block", "phone", phone, "enforce");
        for (int i = 0; i < 5; i++) {
            refusedByRule(start(phone, ip(i), "app-1", "dev-1"), id);
        }
        io.callauth.verification.Api.as(io.callauth.verification.Api.FRAUD_KEY).delete("/v1/rules/" + id)
                .then().statusCode(204);
        // the destination bucket (3/10m) is still full
        for (int i = 0; i < 3; i++) {
            start(phone, ip(10 + i), "app-1", "dev-1").statusCode(201);
        }
    }
}
