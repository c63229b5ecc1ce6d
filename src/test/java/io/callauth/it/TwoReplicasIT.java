package io.callauth.it;

import io.callauth.common.EmbeddedRedisConfigSource;
import io.callauth.provider.callpass.CallPassEmulator;
import io.restassured.RestAssured;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two packaged replicas on one Redis: the limits hold across them, exactly. */
class TwoReplicasIT {

    @Test
    void hundredSimultaneousStartsToOnePhoneThroughTwoReplicasGiveExactlyThreeCalls() throws Exception {
        try (CallPassEmulator callpass = CallPassEmulator.start(ProdJarIT.TOKEN)) {
            String redis = EmbeddedRedisConfigSource.ensureStarted();
            Map<String, String> env = ProdJarIT.env(EmbeddedRedisConfigSource.ensureStarted(), callpass.url());
            env.put("QUARKUS_REDIS_HOSTS", redis);
            env.put("CALLAUTH_PROVIDERS_CALLPASS_URL", callpass.url());
            try (PackagedApp a = PackagedApp.start(env); PackagedApp b = PackagedApp.start(env)) {
                for (PackagedApp app : List.of(a, b)) {
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().untilAsserted(() ->
                            assertThat(RestAssured.given().baseUri(app.url()).get("/q/health/ready").statusCode())
                                    .isEqualTo(200));
                }
                HttpClient http = HttpClient.newHttpClient();
                ExecutorService pool = Executors.newFixedThreadPool(32);
                CountDownLatch gate = new CountDownLatch(1);
                List<Future<HttpResponse<String>>> futures = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    PackagedApp target = i % 2 == 0 ? a : b;
                    String body = "{\"phone\":\"+79167770011\",\"context\":{\"ip\":\"198.51.100." + i + "\"}}";
                    futures.add(pool.submit(() -> {
                        gate.await();
                        return http.send(HttpRequest.newBuilder(URI.create(target.url() + "/v1/verifications"))
                                .header("Authorization", "Bearer dev-key-change-me")
                                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                    }));
                }
                gate.countDown();
                int created = 0;
                int limited = 0;
                for (Future<HttpResponse<String>> f : futures) {
                    int s = f.get().statusCode();
                    created += s == 201 ? 1 : 0;
                    limited += s == 429 ? 1 : 0;
                }
                pool.shutdownNow();
                assertThat(created).isEqualTo(3);
                assertThat(limited).isEqualTo(97);
                assertThat(callpass.calls()).hasSize(3);
            }
        }
    }
}
