package io.callauth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.standardwebhooks.Webhook;
import io.callauth.provider.callpass.CallPassEmulator;
import io.callauth.webhooks.Receiver;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Webhooks in the packaged app (prod profile), two replicas on one Redis: a flow's events reach a receiver once,
 * signed (checked with the Standard Webhooks reference library); a replica SIGKILLed while deliveries are in flight
 * and a Redis restarted (with its append-only file) while tries are pending lose none; the console's Webhooks page (a
 * fraud analyst in Chromium, on the replica that survived) shows the endpoint's health and every delivery, the retried
 * ones with their tries. Screenshots go to target/screenshots/it-webhooks*.png.
 */
class WebhooksIT {

    static final String KEY = "dev-key-change-me";
    static CallPassEmulator callpass;
    static Receiver receiver;
    static RedisServer redis;
    static int redisPort;
    static Path redisDir;
    static PackagedApp a;
    static PackagedApp b;
    static String webhookId;
    static String secret;
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path SHOTS = Paths.get("target", "screenshots");

    @BeforeAll
    static void boot() throws Exception {
        callpass = CallPassEmulator.start(ProdJarIT.TOKEN);
        receiver = Receiver.start();
        redisPort = PackagedApp.freePort();
        redisDir = Files.createTempDirectory("callauth-webhooks-it-redis");
        redis = redis();
        Map<String, String> env = ProdJarIT.env("redis://127.0.0.1:" + redisPort, callpass.url());
        env.put("CALLAUTH_API_KEYS", env.get("CALLAUTH_API_KEYS") + "," + ArchiveIT.FRAUD);
        env.put("CALLAUTH_WEBHOOKS_ALLOW_HTTP", "true");
        env.put("CALLAUTH_WEBHOOKS_ALLOWED_HOSTS", "127.0.0.1");
        // short enough for a test run: a try waits 3 s for its answer, a dead sender's tries come back after 6 s
        env.put("CALLAUTH_WEBHOOKS_TIMEOUT", "3S");
        env.put("CALLAUTH_WEBHOOKS_DELIVERY_LEASE", "6S");
        // one after the other: two JVMs starting at once on a loaded 2-core machine miss readiness's minute
        a = PackagedApp.start(env).awaitReady();
        b = PackagedApp.start(env).awaitReady();
        var created = api(a).body(Map.of("url", receiver.url("/hook").toString(), "events", List.of("*")))
                .post("/v1/webhooks").then().statusCode(201).extract().response();
        webhookId = created.path("id");
        secret = created.path("secret");
    }

    /** a Redis that keeps its data across a restart: append-only file, every write synced */
    static RedisServer redis() throws Exception {
        RedisServer server = RedisServer.newRedisServer().port(redisPort).bind("127.0.0.1")
                .setting("save \"\"").setting("appendonly yes").setting("appendfsync always")
                .setting("dir " + redisDir).build();
        server.start();
        return server;
    }

    @AfterAll
    static void stop() throws Exception {
        PackagedApp.closeAll(a, b, callpass, receiver);
        if (redis != null) {
            redis.stop();
        }
    }

    static RequestSpecification api(PackagedApp app) {
        return RestAssured.given().baseUri(app.url()).header("Authorization", "Bearer " + KEY)
                .contentType(ContentType.JSON);
    }

    static JsonNode body(Receiver.Request r) {
        try {
            return JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static List<Receiver.Request> about(String verificationId) {
        return receiver.requests("/hook").stream()
                .filter(r -> verificationId.equals(body(r).path("data").path("verificationId").asText())).toList();
    }

    /** start on one replica, the code checked on the other: started, call_placed, approved */
    static String approvedFlow(String phone) {
        String id = api(a).body(Map.of("phone", phone)).post("/v1/verifications").then().statusCode(201)
                .extract().path("id");
        await().atMost(Duration.ofSeconds(20)).until(() -> callpass.calls().stream()
                .anyMatch(c -> phone.endsWith(c.dn()) || phone.substring(1).equals(c.dn())));
        String code = callpass.calls().stream().filter(c -> phone.endsWith(c.dn()) || phone.substring(1).equals(c.dn()))
                .reduce((x, y) -> y).orElseThrow().code(4);
        api(b).body(Map.of("code", code)).post("/v1/verifications/" + id + "/check").then().statusCode(200);
        return id;
    }

    static Set<String> types(List<Receiver.Request> requests) {
        return requests.stream().map(r -> body(r).path("type").asText()).collect(Collectors.toSet());
    }

    /** every event of the verification the endpoint got is delivered, by the deliveries log */
    static void allDelivered(String verificationId) {
        Set<String> ids = about(verificationId).stream().map(Receiver.Request::webhookId).collect(Collectors.toSet());
        List<Map<String, Object>> log = api(b).get("/v1/webhooks/" + webhookId + "/deliveries").then()
                .statusCode(200).extract().jsonPath().getList("items");
        for (String id : ids) {
            assertThat(log).filteredOn(d -> id.equals(d.get("eventId"))).singleElement()
                    .satisfies(d -> assertThat(d.get("status")).as(id).isEqualTo("delivered"));
        }
    }

    static final Set<String> FLOW = Set.of("verification.started", "verification.call_placed",
            "verification.approved");

    @Test
    void aFlowsEventsArriveOnceSignedThroughAReplicaKilledAndARedisRestarted() throws Exception {
        // 1. two replicas: every event once, signed as Standard Webhooks says
        String first = approvedFlow("+79165551201");
        await().atMost(Duration.ofSeconds(30)).until(() -> types(about(first)).containsAll(FLOW));
        // and no more: a second sender that would send again has had many rounds in 1.5 s
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> about(first).size() == 3);
        List<Receiver.Request> got = about(first);
        assertThat(got).hasSize(3);
        assertThat(got).extracting(Receiver.Request::webhookId).doesNotHaveDuplicates();
        for (Receiver.Request r : got) {
            new Webhook(secret).verify(r.body(), r.headers());
        }
        allDelivered(first);

        // 2. a replica SIGKILLed while requests hang at the receiver: its tries come back after the lease
        receiver.on("/hook", Receiver.hang(Duration.ofSeconds(5)), Receiver.hang(Duration.ofSeconds(5)),
                Receiver.ok());
        String second = approvedFlow("+79165551202");
        await().atMost(Duration.ofSeconds(30)).until(() -> !about(second).isEmpty());
        a.process.destroyForcibly().waitFor();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(types(about(second))).containsAll(FLOW);
            allDelivered(second);
        });

        // 3. Redis restarted while the tries wait for their retry: none lost
        receiver.on("/hook", Receiver.retryAfter(503, 6), Receiver.retryAfter(503, 6), Receiver.retryAfter(503, 6),
                Receiver.ok());
        String third = api(b).body(Map.of("phone", "+79165551203")).post("/v1/verifications").then()
                .statusCode(201).extract().path("id");
        api(b).delete("/v1/verifications/" + third).then().statusCode(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> about(third).size() >= 2);
        redis.stop();
        redis = redis();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(types(about(third))).contains("verification.started", "verification.canceled");
            allDelivered(third);
        });
        for (Receiver.Request r : receiver.requests("/hook")) {
            new Webhook(secret).verify(r.body(), r.headers());
        }

        // 4. the console's Webhooks page on the replica that lived: the endpoint, its health and its deliveries
        consoleShowsTheDeliveries(List.of(first, second, third));
    }

    /** a fraud analyst signs in on replica B: every event the receiver got is listed as delivered, the retried ones too */
    static void consoleShowsTheDeliveries(List<String> verifications) throws Exception {
        Files.createDirectories(SHOTS);
        Map<String, Integer> tries = new java.util.HashMap<>();
        for (String v : verifications) {
            for (Receiver.Request r : about(v)) {
                tries.merge(r.webhookId(), 1, Integer::sum);
            }
        }
        try (Playwright playwright = io.callauth.common.Chromium.playwright();
             Browser browser = io.callauth.common.Chromium.launch(playwright);
             BrowserContext context = AnalystConsole.context(browser, b)) {
            Page page = AnalystConsole.signedIn(context, "fraud-key");
            page.navigate("/console/webhooks");
            Locator panel = page.locator("[data-webhook='" + webhookId + "']");
            assertThat(panel.locator("[data-field=url]").textContent()).isEqualTo(receiver.url("/hook").toString());
            assertThat(panel.locator("[data-state]").getAttribute("data-state")).isEqualTo("enabled");
            assertThat(Integer.parseInt(panel.locator("b[data-count=delivered]").textContent().strip()))
                    .isGreaterThanOrEqualTo(tries.size());
            assertThat(panel.locator("b[data-count=pending]").textContent().strip()).isEqualTo("0");
            assertThat(panel.locator("b[data-count=failed]").textContent().strip()).isEqualTo("0");
            // the 503s of step 3 and the tries the killed replica left were all followed by a delivery
            assertThat(panel.locator("[data-field=last-failure]").textContent()).contains("no failure");
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("it-webhooks.png")).setFullPage(true));

            panel.locator("a[data-link=deliveries]").click();
            page.waitForURL("**/console/webhooks/" + webhookId);
            List<Integer> logged = new java.util.ArrayList<>();
            for (var e : tries.entrySet()) {
                Locator row = page.locator("#deliveries tr[data-event='" + e.getKey() + "']");
                assertThat(row.count()).as(e.getKey()).isEqualTo(1);
                assertThat(row.getAttribute("data-status")).as(e.getKey()).isEqualTo("delivered");
                logged.add(Integer.parseInt(row.locator("td.num").textContent().strip()));
            }
            // the tries whose answer was recorded: every delivered event at least its delivery, and the 503s of step
            // 3 show as tries again (a try whose sender was killed before its answer is not counted, though its
            // request may have reached the receiver)
            assertThat(logged).allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(1)).anyMatch(n -> n >= 2);
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("it-webhook-deliveries.png"))
                    .setFullPage(true));
        }
    }
}
