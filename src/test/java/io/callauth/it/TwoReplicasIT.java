package io.callauth.it;

import io.callauth.common.EmbeddedRedisConfigSource;
import io.callauth.provider.callpass.CallPassEmulator;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two packaged replicas on one Redis with the default limits: 100 simultaneous starts, alternating between the
 * replicas, give exactly the configured number of calls, for one phone, one client IP and one number range. The
 * automatic defence runs in monitor mode (its environment variable): the range's burst shows as a monitor block in
 * {@code GET /v1/defence}, and refuses nothing.
 */
class TwoReplicasIT {

    static CallPassEmulator callpass;
    static PackagedApp a;
    static PackagedApp b;

    @BeforeAll
    static void boot() throws Exception {
        callpass = CallPassEmulator.start(ProdJarIT.TOKEN);
        String redis = EmbeddedRedisConfigSource.ensureStarted();
        Map<String, String> env = ProdJarIT.env(redis, callpass.url());
        // the static limits' exact counts under test: the automatic defence (which would block these bursts sooner, see
        // DefenceIT) only notes what it would block
        env.put("CALLAUTH_DEFENCE_MODE", "monitor");
        env.put("CALLAUTH_API_KEYS", env.get("CALLAUTH_API_KEYS") + "," + ArchiveIT.FRAUD);
        env.put("QUARKUS_REDIS_HOSTS", redis);
        env.put("CALLAUTH_PROVIDERS_CALLPASS_URL", callpass.url());
        a = PackagedApp.start(env);
        b = PackagedApp.start(env);
        a.awaitReady();
        b.awaitReady();
    }

    @AfterAll
    static void stop() throws Exception {
        PackagedApp.closeAll(a, b, callpass);
    }

    @BeforeEach
    void fresh() {
        callpass.reset();
    }

    /** 100 starts released at once, even ones to replica a, odd ones to b; answers [created, limited] */
    private static int[] burst(IntFunction<String> body) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            CountDownLatch gate = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> futures = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                PackagedApp target = i % 2 == 0 ? a : b;
                String json = body.apply(i);
                futures.add(pool.submit(() -> {
                    gate.await();
                    return http.send(HttpRequest.newBuilder(URI.create(target.url() + "/v1/verifications"))
                            .header("Authorization", "Bearer dev-key-change-me")
                            .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                            .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
                }));
            }
            gate.countDown();
            int created = 0;
            int limited = 0;
            for (Future<HttpResponse<String>> f : futures) {
                HttpResponse<String> r = f.get();
                created += r.statusCode() == 201 ? 1 : 0;
                limited += r.statusCode() == 429 ? 1 : 0;
            }
            return new int[]{created, limited};
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void onePhoneGetsExactlyThreeCalls() throws Exception {
        int[] r = burst(i -> "{\"phone\":\"+79167770011\",\"context\":{\"ip\":\"198.51.100." + i + "\"}}");
        assertThat(r).containsExactly(3, 97);
        assertThat(callpass.calls()).hasSize(3);
    }

    @Test
    void oneClientIpGetsExactlyTwentyStarts() throws Exception {
        // every phone in its own number range, so only the IP rule can bite
        int[] r = burst(i -> "{\"phone\":\"+79" + String.format("%03d", 100 + i) + "123456\",\"context\":{\"ip\":\"203.0.113.77\"}}");
        assertThat(r).containsExactly(20, 80);
        assertThat(callpass.calls()).hasSize(20);
    }

    @Test
    void oneNumberRangeGetsExactlyFiftyStarts() throws Exception {
        // 100 numbers of +7 926 555 1xxx (one 8-digit prefix), each from its own IP: a pumping pattern
        int[] r = burst(i -> "{\"phone\":\"+79265551" + String.format("%03d", i) + "\",\"context\":{\"ip\":\"192.0.2."
                + (i + 1) + "\"}}");
        assertThat(r).containsExactly(50, 50);
        assertThat(callpass.calls()).hasSize(50);
        // the automatic defence, in monitor mode through CALLAUTH_DEFENCE_MODE, notes the burst as the block it would
        // have made, while nothing was refused but by the static limit (50 created, 50 limited: no 403)
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            JsonPath defence = RestAssured.given().baseUri(b.url()).header("Authorization", "Bearer fraud-key")
                    .get("/v1/defence").then().statusCode(200).extract().jsonPath();
            assertThat(defence.getString("mode")).isEqualTo("monitor");
            List<Map<String, Object>> blocks = defence.getList("blocks");
            assertThat(blocks).filteredOn(m -> "79265551".equals(m.get("value"))).singleElement().satisfies(m -> {
                assertThat(m.get("dimension")).isEqualTo("range");
                assertThat(m.get("mode")).isEqualTo("monitor");
                assertThat(((Map<?, ?>) m.get("evidence")).get("signal")).isEqualTo("burst");
            });
        });
    }
}
