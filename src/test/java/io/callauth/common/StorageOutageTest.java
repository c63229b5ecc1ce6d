package io.callauth.common;

import io.callauth.provider.callpass.CallPassEmulatorResource;
import io.callauth.verification.Api;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/**
 * Redis down is a dependency outage: every endpoint that needs it answers 503 storage_unavailable with Retry-After
 * at once (never 500 internal_error), readiness is DOWN in plain words, and the service serves again by itself when
 * Redis is back.
 */
@QuarkusTest
@QuarkusTestResource(CallPassEmulatorResource.class)
class StorageOutageTest {

    @Test
    void redisDownAnswers503AndTheServiceRecoversByItself() {
        CallPassEmulatorResource.emulator().reset();
        String before = Api.startId(Api.newPhone());
        EmbeddedRedisConfigSource.stop();
        try {
            long t0 = System.nanoTime();
            Api.start(Api.newPhone()).statusCode(503).contentType("application/problem+json")
                    .body("code", equalTo("storage_unavailable")).header("Retry-After", "5")
                    .body(not(containsString("Exception")));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
            Api.verify().get("/v1/verifications/" + before).then().statusCode(503)
                    .body("code", equalTo("storage_unavailable"));
            Api.check(before, "1234").statusCode(503).body("code", equalTo("storage_unavailable"));
            Api.verify().body("{\"phone\":\"+79161234567\",\"code\":\"1234\"}").post("/v1/verifications/check").then()
                    .statusCode(503).body("code", equalTo("storage_unavailable"));
            Api.verify().delete("/v1/verifications/" + before).then().statusCode(503);
            // bad input is still the caller's fault, whatever Redis does
            Api.verify().body("{\"phone\":\"12\"}").post("/v1/verifications").then().statusCode(400);
            String ready = io.callauth.common.Management.given().get("/q/health/ready").then().statusCode(503).extract().asString();
            assertThat(ready).contains("Redis cannot be reached: connection refused").doesNotContain("Exception")
                    .doesNotContain("io.netty");
            // the API port's readiness: the status only, the reason stays on the management interface
            RestAssured.given().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"))
                    .body(not(containsString("Redis")));
        } finally {
            EmbeddedRedisConfigSource.restart();
        }
        // back without a restart of the service (the restarted Redis is empty: a new verification)
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                Api.start(Api.newPhone()).statusCode(201));
        io.callauth.common.Management.given().get("/q/health/ready").then().statusCode(200);
        RestAssured.given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }
}
