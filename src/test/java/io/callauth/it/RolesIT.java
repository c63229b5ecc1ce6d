package io.callauth.it;

import io.callauth.common.EmbeddedRedisConfigSource;
import io.callauth.provider.callpass.CallPassEmulator;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Replica roles as an operator deploys them: an {@code api} replica and a {@code worker} replica of the same packaged
 * app, as separate processes on one Redis and one PostgreSQL. The worker opens no API port (health and metrics on the
 * management port); the API replica follows no call and archives nothing: with the worker stopped, a call stays
 * {@code calling} and no record reaches the archive; once a worker runs again, both happen.
 */
class RolesIT {

    static final String APP = "roles-" + UUID.randomUUID().toString().substring(0, 8);
    static CallPassEmulator callpass;
    static Map<String, String> env;
    static PackagedApp api;
    static PackagedApp worker;

    @BeforeAll
    static void boot() throws Exception {
        callpass = CallPassEmulator.start(ProdJarIT.TOKEN);
        // its own Redis database: calls left in its tracker are followed by its own worker only
        env = ProdJarIT.env(EmbeddedRedisConfigSource.ensureStarted() + "/4", callpass.url());
        env.put("CALLAUTH_API_KEYS", env.get("CALLAUTH_API_KEYS") + "," + ArchiveIT.FRAUD);
        api = PackagedApp.start(with("CALLAUTH_ROLES", "api"));
        worker = PackagedApp.start(with("CALLAUTH_ROLES", "worker"));
        api.awaitReady();
        worker.awaitReady();
    }

    static Map<String, String> with(String key, String value) {
        Map<String, String> m = new java.util.HashMap<>(env);
        m.put(key, value);
        return m;
    }

    @AfterAll
    static void stop() throws Exception {
        PackagedApp.closeAll(api, worker, callpass);
    }

    private static String start(String phone) {
        return RestAssured.given().baseUri(api.url()).header("Authorization", "Bearer dev-key-change-me")
                .contentType(ContentType.JSON)
                .body("{\"phone\":\"" + phone + "\",\"context\":{\"appId\":\"" + APP + "\"}}")
                .post("/v1/verifications").then().statusCode(201).extract().path("id");
    }

    private static String callStatus(String id) {
        return RestAssured.given().baseUri(api.url()).header("Authorization", "Bearer dev-key-change-me")
                .get("/v1/verifications/" + id).then().statusCode(200).extract().path("callStatus");
    }

    private static int archived(String verificationId) {
        return RestAssured.given().baseUri(api.url()).header("Authorization", "Bearer fraud-key")
                .get("/v1/attempts?verificationId=" + verificationId).then().statusCode(200).extract()
                .jsonPath().getList("items").size();
    }

    private static double metric(PackagedApp app, String name) {
        String text = RestAssured.given().baseUri(app.managementUrl()).get("/q/metrics").asString();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*})? ([0-9.eE+-]+)$").matcher(text);
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }

    @Test
    void theWorkerServesNoApiAndTheApiReplicaRunsNoBackgroundJob() throws Exception {
        // the worker: no API port at all, health on the management port
        assertThatThrownBy(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", worker.port), 2_000);
            }
        }).isInstanceOf(ConnectException.class);
        RestAssured.given().baseUri(worker.managementUrl()).get("/q/health/live").then().statusCode(200);

        // both running: the worker follows the call the API replica placed, and archives its records
        callpass.pollsBeforeFinal(1).finalResult("NO_ANSWER");
        String first = start("+79265550101");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(callStatus(first)).isEqualTo("delivered"));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(archived(first)).isGreaterThanOrEqualTo(3));
        assertThat(metric(worker, "callauth_attempts_archived_total")).isGreaterThanOrEqualTo(3);
        assertThat(metric(api, "callauth_attempts_archived_total")).isZero();

        // the worker stopped: the API replica still starts verifications, but follows and archives nothing
        worker.close();
        String second = start("+79265550102");
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(500))
                .until(() -> "calling".equals(callStatus(second)) && archived(second) == 0);
        assertThat(metric(api, "callauth_attempts_archived_total")).isZero();

        // a worker again: the call is followed, its records archived (none lost while no worker ran)
        worker = PackagedApp.start(with("CALLAUTH_ROLES", "worker")).awaitReady();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(callStatus(second)).isEqualTo("delivered"));
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(archived(second)).isGreaterThanOrEqualTo(3));
    }

}
