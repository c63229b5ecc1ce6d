package io.callauth.verification;

import io.callauth.provider.callpass.CallPassEmulator;
import io.callauth.provider.callpass.CallPassEmulatorResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks race on one verification: the Lua check is the only place state changes, so races cannot win twice. */
@QuarkusTest
@QuarkusTestResource(CallPassEmulatorResource.class)
class CheckConcurrencyTest {

    @TestHTTPResource("/")
    URI base;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private List<HttpResponse<String>> fire(String id, String code, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch gate = new CountDownLatch(1);
        try {
            List<Future<HttpResponse<String>>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    gate.await();
                    return http.send(HttpRequest.newBuilder(base.resolve("/v1/verifications/" + id + "/check"))
                            .header("Authorization", "Bearer " + Api.VERIFY_KEY)
                            .header("Content-Type", "application/json")
                            .timeout(Duration.ofSeconds(30))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"" + code + "\"}")).build(),
                            HttpResponse.BodyHandlers.ofString());
                }));
            }
            gate.countDown();
            List<HttpResponse<String>> out = new ArrayList<>();
            for (Future<HttpResponse<String>> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void fiftySimultaneousCorrectChecksApproveExactlyOnce() throws Exception {
        CallPassEmulator callpass = CallPassEmulatorResource.emulator();
        callpass.reset();
        String phone = Api.newPhone();
        String id = Api.startId(phone);
        String code = callpass.lastCall().code(4);

        List<HttpResponse<String>> answers = fire(id, code, 50);

        assertThat(answers).filteredOn(r -> r.statusCode() == 200 && r.body().contains("\"valid\":true")).hasSize(1);
        assertThat(answers).filteredOn(r -> r.statusCode() == 409 && r.body().contains("already_approved")).hasSize(49);
    }

    @Test
    void fiftySimultaneousWrongChecksNeverExceedTheTryLimit() throws Exception {
        CallPassEmulator callpass = CallPassEmulatorResource.emulator();
        callpass.reset();
        String phone = Api.newPhone();
        String id = Api.startId(phone);
        String wrong = Api.wrong(callpass.lastCall().code(4));

        List<HttpResponse<String>> answers = fire(id, wrong, 50);

        assertThat(answers).filteredOn(r -> r.statusCode() == 200).hasSize(5)
                .allMatch(r -> r.body().contains("\"valid\":false"));
        assertThat(answers).filteredOn(r -> r.statusCode() == 409 && r.body().contains("max_attempts_reached"))
                .hasSize(45);
        Api.verify().get("/v1/verifications/" + id).then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("max_attempts_reached"))
                .body("attemptsLeft", org.hamcrest.Matchers.equalTo(0));
    }
}
