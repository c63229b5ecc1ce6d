package io.callauth.it;

import io.callauth.common.EmbeddedPostgresConfigSource;
import io.callauth.common.EmbeddedRedisConfigSource;
import io.callauth.provider.callpass.CallPassEmulator;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fraud team's archive as an operator runs it: two packaged replicas (prod profile, env only) on one Redis and
 * one PostgreSQL. Flows through both replicas reach the list, the summary and the export within 5 seconds; nothing
 * is lost or doubled when PostgreSQL is stopped and started again, or when a replica is killed.
 */
class ArchiveIT {

    /** sha256("fraud-key") */
    static final String FRAUD = "fraud:fraud:a2b514fec00fde9bb0dda3d02c9036b913094dba065fc72b52b788c15934c96e";
    static CallPassEmulator callpass;
    static PackagedApp a;
    static PackagedApp b;
    static final String APP = "it-" + UUID.randomUUID().toString().substring(0, 8);
    static int phones = 1000;

    @BeforeAll
    static void boot() throws Exception {
        callpass = CallPassEmulator.start(ProdJarIT.TOKEN);
        // its own Redis database: it kills a replica mid-call, and the calls it leaves in the tracker must not be
        // followed by the next IT's app
        Map<String, String> env = ProdJarIT.env(EmbeddedRedisConfigSource.ensureStarted() + "/2", callpass.url());
        env.put("CALLAUTH_API_KEYS", env.get("CALLAUTH_API_KEYS") + "," + FRAUD);
        env.put("CALLAUTH_ATTEMPTS_INGEST_CLAIM_IDLE", "3S");
        // 35 starts from one test client: the per-IP and per-range limits are not what this test is about
        env.put("CALLAUTH_RATE_LIMITS_IP", "off");
        env.put("CALLAUTH_RATE_LIMITS_PREFIX", "off");
        a = PackagedApp.start(env);
        b = PackagedApp.start(env);
        a.awaitReady();
        b.awaitReady();
    }

    @AfterAll
    static void stop() throws Exception {
        PackagedApp.closeAll(a, b, callpass);
    }

    private static String start(PackagedApp app) {
        String phone = String.format("+7926%07d", phones++);
        return RestAssured.given().baseUri(app.url()).header("Authorization", "Bearer dev-key-change-me")
                .contentType(ContentType.JSON)
                .body("{\"phone\":\"" + phone + "\",\"context\":{\"appId\":\"" + APP + "\",\"ip\":\"192.0.2.77\"}}")
                .post("/v1/verifications").then().statusCode(201).extract().path("id");
    }

    private static void approve(PackagedApp app, String id) {
        String code = callpass.lastCall().code(4);
        RestAssured.given().baseUri(app.url()).header("Authorization", "Bearer dev-key-change-me")
                .contentType(ContentType.JSON).body("{\"code\":\"" + code + "\"}")
                .post("/v1/verifications/" + id + "/check").then().statusCode(200);
    }

    private static JsonPath fraud(PackagedApp app, String path) {
        return RestAssured.given().baseUri(app.url()).header("Authorization", "Bearer fraud-key").get(path)
                .then().statusCode(200).extract().jsonPath();
    }

    private static List<String> ids(PackagedApp app, String type) {
        List<String> all = new ArrayList<>();
        String cursor = null;
        do {
            JsonPath p = fraud(app, "/v1/attempts?appId=" + APP + "&type=" + type + "&limit=1000"
                    + (cursor == null ? "" : "&cursor=" + cursor));
            all.addAll(p.getList("items.id"));
            cursor = p.getString("next");
        } while (cursor != null);
        return all;
    }

    private static void expectStarted(PackagedApp app, int n, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() ->
                assertThat(ids(app, "started")).hasSize(n));
        List<String> ids = ids(app, "started");
        assertThat(new HashSet<>(ids)).as("no record twice").hasSize(n);
    }

    @Test
    void flowsThroughTwoReplicasReachTheArchiveAndSurviveOutages() throws Exception {
        // 1. flows through both replicas: visible within 5 s, on either replica
        for (int i = 0; i < 10; i++) {
            PackagedApp via = i % 2 == 0 ? a : b;
            String id = start(via);
            if (i < 6) {
                approve(via, id);
            }
        }
        expectStarted(b, 10, Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(ids(a, "approved")).hasSize(6));

        // 2. PostgreSQL stopped: verifications go on, readiness stays up, records wait in Redis
        EmbeddedPostgresConfigSource.stop();
        try {
            for (int i = 0; i < 10; i++) {
                start(i % 2 == 0 ? a : b);
            }
            RestAssured.given().baseUri(a.managementUrl()).get("/q/health/ready").then().statusCode(200);
            RestAssured.given().baseUri(a.url()).header("Authorization", "Bearer fraud-key").get("/v1/attempts")
                    .then().statusCode(503);
        } finally {
            EmbeddedPostgresConfigSource.restart();
        }
        expectStarted(a, 20, Duration.ofSeconds(30));

        // 3. a replica killed (no shutdown): what it held is claimed by the other after the idle time
        for (int i = 0; i < 10; i++) {
            start(b);
        }
        b.process.destroyForcibly().waitFor();
        for (int i = 0; i < 5; i++) {
            start(a);
        }
        expectStarted(a, 35, Duration.ofSeconds(30));

        // 4. the summary and the export agree with the list
        JsonPath s = fraud(a, "/v1/attempts/summary?groupBy=appId");
        Map<String, Object> mine = s.<Map<String, Object>>getList("groups").stream()
                .filter(g -> APP.equals(g.get("key"))).findFirst().orElseThrow();
        assertThat(mine).containsEntry("started", 35).containsEntry("approved", 6);
        int listed = ids(a, "started").size();
        String csv = RestAssured.given().baseUri(a.url()).header("Authorization", "Bearer fraud-key")
                .accept("text/csv").get("/v1/attempts/export?type=started&appId=" + APP).then().statusCode(200)
                .extract().asString();
        assertThat(csv.split("\r\n")).hasSize(listed + 1);
    }
}
