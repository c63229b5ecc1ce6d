package io.callauth.it;

import io.callauth.common.EmbeddedRedisConfigSource;
import io.callauth.provider.callpass.CallPassEmulator;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The automatic defence across two packaged replicas (both api and worker, as a small deployment runs) on one Redis:
 * a burst of starts into one fresh range through one replica is blocked by itself, by whichever replica's detector
 * counts it first, and both refuse the range within about a second of the block; both show one block in
 * {@code GET /v1/defence}.
 */
class DefenceIT {

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

    /** a start to a fresh number of the range, from a fresh address (no static limit can bite) */
    private static Response start(PackagedApp app, String range) {
        int n = SEQ.incrementAndGet();
        String phone = "+" + range + String.format("%03d", (n * 37) % 1000);
        return RestAssured.given().baseUri(app.url()).header("Authorization", "Bearer dev-key-change-me")
                .contentType("application/json").body("{\"phone\":\"" + phone + "\",\"context\":{\"ip\":\"10.43."
                        + (n / 250) + "." + (n % 250 + 1) + "\",\"deviceId\":\"it-" + n + "\"}}")
                .post("/v1/verifications");
    }

    @Test
    void aBurstThroughOneReplicaIsBlockedOnBothWithinASecond() {
        String range = "7958" + (4000 + (int) (System.nanoTime() % 1000));
        int placed = 0;
        String rule = null;
        Instant refusedAt = null;
        for (int i = 0; i < 60 && rule == null; i++) { // 10 starts a second, at most 6 s
            Response r = start(a, range);
            if (r.statusCode() == 201) {
                placed++;
            } else {
                assertThat(r.statusCode()).isEqualTo(403);
                rule = r.path("rule");
                refusedAt = Instant.now();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        assertThat(rule).as("the burst was blocked").startsWith("rule:rl_");
        assertThat(placed).isBetween(5, 20);
        String ruleId = rule.substring("rule:".length());
        String expected = rule;
        // the other replica refuses the range too: rules reach every replica within a refresh interval (250 ms); 2 s
        // bound because each probe is a whole start on a loaded 2-core machine
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                assertThat(start(b, range).<String>path("rule")).isEqualTo(expected));
        assertThat(Duration.between(refusedAt, Instant.now())).isLessThan(Duration.ofSeconds(3));
        for (PackagedApp app : List.of(a, b)) {
            List<Map<String, Object>> blocks = RestAssured.given().baseUri(app.url())
                    .header("Authorization", "Bearer fraud-key").get("/v1/defence").then().statusCode(200)
                    .extract().jsonPath().getList("blocks");
            assertThat(blocks).filteredOn(m -> range.substring(0, 8).equals(m.get("value"))).singleElement()
                    .satisfies(m -> {
                        assertThat(m.get("ruleId")).isEqualTo(ruleId);
                        assertThat(m.get("dimension")).isEqualTo("range");
                        assertThat(((Map<?, ?>) m.get("evidence")).get("signal")).isEqualTo("burst");
                    });
        }
    }
}
