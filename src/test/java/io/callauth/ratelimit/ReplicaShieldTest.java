package io.callauth.ratelimit;

import io.callauth.common.MutableClock;
import io.callauth.provider.callpass.CallPassEmulatorResource;
import io.callauth.verification.Api;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.hamcrest.Matchers.equalTo;

/**
 * The per-replica shield refuses a key's verify-API requests past its in-memory bucket at once, before Redis (an
 * unknown verification would otherwise answer 404 from Redis), and lets them through again as the bucket refills by
 * the clock; other keys and the fraud API are not affected.
 */
@QuarkusTest
@TestProfile(ReplicaShieldTest.Shield.class)
@QuarkusTestResource(CallPassEmulatorResource.class)
class ReplicaShieldTest {

    public static class Shield implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("callauth.rate-limits.replica-shield", "5/1s",
                    "callauth.api-keys", "test:verify:57c8139db7290a9064aa57837c951138a32df40cca3aca526319f55651368823,"
                            + "fraud:verify+fraud:a2b514fec00fde9bb0dda3d02c9036b913094dba065fc72b52b788c15934c96e");
        }
    }

    @Inject
    MutableClock clock;

    @AfterEach
    void reset() {
        clock.reset();
    }

    private static io.restassured.response.ValidatableResponse check(String key) {
        return Api.as(key).contentType(ContentType.JSON).body("{\"code\":\"1234\"}")
                .post("/v1/verifications/vf_00000000000000000000000000000000/check").then();
    }

    @Test
    void aKeyPastItsShareIsRefusedAtOnceUntilTheBucketRefills() {
        clock.freeze();
        for (int i = 0; i < 5; i++) {
            check(Api.VERIFY_KEY).statusCode(404);
        }
        check(Api.VERIFY_KEY).statusCode(429).body("code", equalTo("rate_limited"))
                .body("rule", equalTo("replica_shield")).header("Retry-After", "1");
        // another key has its own bucket
        check(Api.FRAUD_KEY).statusCode(404);
        clock.advance(Duration.ofSeconds(1));
        check(Api.VERIFY_KEY).statusCode(404);
    }
}
