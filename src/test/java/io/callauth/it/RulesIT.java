package io.callauth.it;

import io.callauth.common.EmbeddedRedisConfigSource;
import io.callauth.provider.callpass.CallPassEmulator;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fraud team's rules across two packaged replicas on one Redis: a rule created on one is enforced by the other
 * within a second, its removal too, and hits are counted by both.
 */
class RulesIT {

    static CallPassEmulator callpass;
    static PackagedApp a;
    static PackagedApp b;
    static final AtomicInteger SEQ = new AtomicInteger();

    @BeforeAll
    static void boot() throws Exception {
        callpass = CallPassEmulator.start(ProdJarIT.TOKEN);
        String redis = EmbeddedRedisConfigSource.ensureStarted();
        Map<String, String> env = ProdJarIT.env(redis, callpass.url());
        env.put("CALLAUTH_API_KEYS", env.get("CALLAUTH_API_KEYS") + "," + ArchiveIT.FRAUD);
        a = PackagedApp.start(env);
        b = PackagedApp.start(env);
        a.awaitReady();
        b.awaitReady();
    }

    @AfterAll
    static void stop() throws Exception {
        PackagedApp.closeAll(a, b, callpass);
    }

    private static RequestSpecification fraud(PackagedApp app) {
        return RestAssured.given().baseUri(app.url()).header("Authorization", "Bearer fraud-key")
                .contentType("application/json");
    }

    /** a start to a fresh number of the range +7 916 42x xx xx, from a fresh IP (no limit can bite) */
    private static Response start(PackagedApp app, String range) {
        int n = SEQ.incrementAndGet();
        String phone = "+7" + range + String.format("%0" + (10 - range.length()) + "d", n);
        return RestAssured.given().baseUri(app.url()).header("Authorization", "Bearer dev-key-change-me")
                .contentType("application/json")
                .body("{\"phone\":\"" + phone + "\",\"context\":{\"ip\":\"10.42." + (n / 250) + "." + (n % 250 + 1) + "\"}}")
                .post("/v1/verifications");
    }

    @Test
    void aRuleMadeOnOneReplicaIsEnforcedByTheOtherWithinASecond() {
        String range = "916423";
        assertThat(start(b, range).statusCode()).isEqualTo(201);

        String id = fraud(a).body(Map.of("action", "block", "match", Map.of("prefix", "7" + range), "mode", "enforce",
                "reason", "pumping")).post("/v1/rules").then().statusCode(201).extract().path("id");
        AtomicInteger refused = new AtomicInteger();
        // the replica it was made on enforces it at once
        assertThat(start(a, range).then().statusCode(403).extract().<String>path("rule")).isEqualTo("rule:" + id);
        refused.incrementAndGet();
        // the other within a second: it refreshes every 250 ms; the bound here is 2 s because each probe is a whole
        // start, which on a loaded 2-core CI machine can itself take most of a second
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            Response r = start(b, range);
            assertThat(r.statusCode()).isEqualTo(403);
            refused.incrementAndGet();
            assertThat(r.<String>path("rule")).isEqualTo("rule:" + id);
            assertThat(r.<String>path("reason")).isEqualTo("rule");
        });
        // hits from both replicas, in Redis
        assertThat(fraud(b).get("/v1/rules").then().statusCode(200).extract().jsonPath()
                .getLong("items.find { it.id == '" + id + "' }.hits")).isEqualTo(refused.get());

        // removed on b: a lets the range through again within a second
        fraud(b).delete("/v1/rules/" + id).then().statusCode(204);
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                assertThat(start(a, range).statusCode()).isEqualTo(201));
        List<Map<String, Object>> audit = fraud(a).get("/v1/rules/audit?limit=2").then().statusCode(200)
                .extract().jsonPath().getList("items");
        assertThat(audit).extracting(e -> e.get("action")).containsExactly("delete", "create");
        assertThat(audit).extracting(e -> e.get("actor")).containsExactly("fraud", "fraud");
    }
}
