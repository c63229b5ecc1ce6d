package io.callauth.ratelimit;

import io.callauth.attempts.AttemptLog;
import io.callauth.attempts.AttemptRecord;
import io.callauth.common.MutableClock;
import io.callauth.provider.callpass.CallPassEmulator;
import io.callauth.provider.callpass.CallPassEmulatorResource;
import io.callauth.verification.Api;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** The default limits, exact under concurrency, with Retry-After from the application's clock. */
@QuarkusTest
@TestProfile(DefaultLimitsProfile.class)
@QuarkusTestResource(CallPassEmulatorResource.class)
class RateLimitsApiTest {

    @TestHTTPResource("/")
    URI base;
    @Inject
    MutableClock clock;
    @Inject
    RedisDataSource redis;
    @Inject
    AttemptLog attempts;

    CallPassEmulator callpass;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void setUp() {
        callpass = CallPassEmulatorResource.emulator();
        callpass.reset();
        clock.reset();
        redis.execute("EVAL", "for _,k in ipairs(redis.call('KEYS','ca:rl:*')) do redis.call('DEL',k) end return 1", "0");
    }

    @AfterEach
    void tearDown() {
        clock.reset();
    }

    private List<HttpResponse<String>> concurrently(int n, IntFunction<String> body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(32);
        CountDownLatch gate = new CountDownLatch(1);
        try {
            List<Future<HttpResponse<String>>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String b = body.apply(i);
                futures.add(pool.submit(() -> {
                    gate.await();
                    return http.send(HttpRequest.newBuilder(base.resolve("/v1/verifications"))
                                    .header("Authorization", "Bearer " + Api.VERIFY_KEY)
                                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                                    .POST(HttpRequest.BodyPublishers.ofString(b)).build(),
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

    private static long count(List<HttpResponse<String>> rs, int status) {
        return rs.stream().filter(r -> r.statusCode() == status).count();
    }

    @Test
    void hundredSimultaneousStartsToOnePhoneGiveExactlyThreeCalls() throws Exception {
        String phone = Api.newPhone();
        List<HttpResponse<String>> rs = concurrently(100, i ->
                "{\"phone\":\"" + phone + "\",\"context\":{\"ip\":\"198.51.100." + (i % 200) + "\"}}");
        assertThat(count(rs, 201)).isEqualTo(3);
        assertThat(rs).filteredOn(r -> r.statusCode() == 429).hasSize(97)
                .allMatch(r -> r.body().contains("\"rule\":\"destination\"") && r.headers().firstValue("Retry-After").isPresent());
        assertThat(callpass.calls()).hasSize(3);
    }

    @Test
    void hundredSimultaneousStartsFromOneIpGiveExactlyTwenty() throws Exception {
        List<HttpResponse<String>> rs = concurrently(100, i ->
                "{\"phone\":\"" + String.format("+7926%07d", 1000 + i * 37) + "\",\"context\":{\"ip\":\"192.0.2.77\"}}");
        assertThat(count(rs, 201)).isEqualTo(20);
        assertThat(rs).filteredOn(r -> r.statusCode() == 429).allMatch(r -> r.body().contains("\"rule\":\"ip\""));
        assertThat(callpass.calls()).hasSize(20);
    }

    @Test
    void aStartRefusedByOneBucketCostsTheOthersNothing() throws Exception {
        // one client IP uses up its 20 starts on other numbers
        String ip = "192.0.2.201";
        List<HttpResponse<String>> spent = concurrently(20, i ->
                "{\"phone\":\"" + String.format("+7916%07d", 3_000_000 + i * 101) + "\",\"context\":{\"ip\":\"" + ip + "\"}}");
        assertThat(count(spent, 201)).isEqualTo(20);
        // the next start from it, to a fresh number, is refused by the IP bucket...
        String phone = Api.newPhone();
        Api.verify().body("{\"phone\":\"" + phone + "\",\"context\":{\"ip\":\"" + ip + "\"}}")
                .post("/v1/verifications").then().statusCode(429).body("rule", equalTo("ip"));
        // ...and took nothing from that number's destination bucket: its 3 starts are all still there
        for (int i = 0; i < 3; i++) {
            Api.verify().body("{\"phone\":\"" + phone + "\",\"context\":{\"ip\":\"203.0.113." + (50 + i) + "\"}}")
                    .post("/v1/verifications").then().statusCode(201);
        }
        Api.verify().body("{\"phone\":\"" + phone + "\",\"context\":{\"ip\":\"203.0.113.60\"}}")
                .post("/v1/verifications").then().statusCode(429).body("rule", equalTo("destination"));
    }

    @Test
    void hundredSimultaneousStartsIntoOnePrefixGiveExactlyFifty() throws Exception {
        List<HttpResponse<String>> rs = concurrently(100, i ->
                "{\"phone\":\"" + String.format("+7903555%04d", i) + "\",\"context\":{\"ip\":\"10.9." + i + ".1\"}}");
        assertThat(count(rs, 201)).isEqualTo(50);
        assertThat(rs).filteredOn(r -> r.statusCode() == 429).allMatch(r -> r.body().contains("\"rule\":\"prefix\""));
        assertThat(callpass.calls()).hasSize(50);
    }

    @Test
    void retryAfterIsTheRealWaitOnTheApplicationClock() {
        clock.freeze(); // the arithmetic below is to the second: no real time may pass in between
        String phone = Api.newPhone();
        for (int i = 0; i < 3; i++) {
            Api.start(phone).statusCode(201);
        }
        Api.start(phone).statusCode(429).header("Retry-After", "600").body("rule", equalTo("destination"))
                .body("code", equalTo("rate_limited"));
        clock.advance(Duration.ofSeconds(599));
        Api.start(phone).statusCode(429).header("Retry-After", "1");
        clock.advance(Duration.ofSeconds(1));
        Api.start(phone).statusCode(201);
        assertThat(callpass.calls()).hasSize(4);
    }

    @Test
    void bucketKeysExpireWhenIdle() {
        String phone = Api.newPhone();
        Api.start(phone).statusCode(201);
        List<String> keys = new ArrayList<>();
        redis.execute("KEYS", "ca:rl:*").forEach(k -> keys.add(k.toString()));
        assertThat(keys).isNotEmpty().anyMatch(k -> k.contains(phone));
        for (String k : keys) {
            long ttl = redis.execute("PTTL", k).toLong();
            assertThat(ttl).as(k).isPositive().isLessThanOrEqualTo(Duration.ofHours(24).plusMinutes(1).toMillis());
        }
    }

    @Test
    void aNormalSignUpWithOneResendPassesAndRefusalsAreLogged() {
        String phone = Api.newPhone();
        String id = Api.startId(phone);
        Api.verify().post("/v1/verifications/" + id + "/resend").then().statusCode(200);
        Api.check(id, callpass.lastCall().code(4)).statusCode(200).body("valid", equalTo(true));
        // a bomber keeps going at the same victim
        Api.start(phone).statusCode(201);
        Api.start(phone).statusCode(429);
        List<AttemptRecord> refused = attempts.newest("+", 100).await().indefinitely().stream()
                .map(AttemptLog.Entry::record).filter(r -> r.type().equals("refused") && phone.equals(r.phone())).toList();
        assertThat(refused).isNotEmpty().allMatch(r -> "destination".equals(r.rule()) && "rate_limited".equals(r.reason()));
    }

    @Test
    void codeSprayingFromOneIpIsCut() {
        String phone = Api.newPhone();
        String id = Api.startId(phone);
        for (int i = 0; i < 60; i++) {
            Api.verify().body("{\"code\":\"0000\",\"context\":{\"ip\":\"192.0.2.200\"}}")
                    .post("/v1/verifications/" + id + "/check").then().statusCode(org.hamcrest.Matchers.anyOf(
                            equalTo(200), equalTo(409)));
        }
        Api.verify().body("{\"code\":\"0000\",\"context\":{\"ip\":\"192.0.2.200\"}}")
                .post("/v1/verifications/" + id + "/check").then().statusCode(429).body("rule", equalTo("check_ip"));
    }

    @Test
    void scriptedPumpingIntoPremiumAndForeignRangesPlacesNoCall() {
        for (int i = 0; i < 30; i++) {
            Api.verify().body("{\"phone\":\"" + String.format("+7809505%04d", 1000 + i) + "\"}").post("/v1/verifications")
                    .then().statusCode(403).body("code", equalTo("destination_not_allowed"));
            Api.verify().body("{\"phone\":\"" + String.format("+44207946%04d", 6000 + i) + "\"}").post("/v1/verifications")
                    .then().statusCode(403);
        }
        assertThat(callpass.calls()).isEmpty();
    }
}
