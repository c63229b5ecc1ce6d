package io.callauth.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import io.callauth.attempts.AttemptArchive;
import io.callauth.attempts.AttemptLog;
import io.callauth.attempts.AttemptRecord;
import io.callauth.common.MutableClock;
import io.callauth.verification.Api;
import io.callauth.webhooks.Receiver;
import io.callauth.webhooks.WebhookSender;
import io.callauth.webhooks.WebhookStore;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URL;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console's Webhooks page in a real browser (Chromium through Playwright): a fraud user signs in and sees the
 * endpoints its key registered through the API with their health; Send test reaches a loopback {@link Receiver},
 * signed, and is listed as delivered; a failing endpoint shows its failure; Replay since a time sends the archive's
 * events again; Disable and Enable. The test owns its endpoints (deleted at the end) and its archive records (written
 * at a clock moved 900 days ahead, where no other test writes); the sender's rounds are driven by the test (the
 * scheduler is off in tests), never by sleeping. Screenshots go to target/screenshots.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebhooksPageBrowserTest {

    private static final DateTimeFormatter LOCAL_MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm")
            .withZone(ZoneOffset.UTC);

    @Inject
    MutableClock clock;
    @Inject
    WebhookSender sender;
    @Inject
    WebhookStore store;
    @Inject
    AttemptArchive archive;
    @TestHTTPResource("/")
    URL root;

    final ObjectMapper json = new ObjectMapper();
    final List<String> created = new ArrayList<>();
    Receiver receiver;
    Playwright playwright;
    Browser browser;
    BrowserContext context;
    Page page;
    String hook;
    String secret;
    String failing;

    @BeforeAll
    void start() throws Exception {
        clock.reset();
        clock.advance(Duration.ofDays(900));
        receiver = Receiver.start();
        receiver.on("/failing", Receiver.status(500));
        var r = register("/hook", List.of("verification.started"));
        hook = r.path("id");
        secret = r.path("secret");
        failing = register("/failing", List.of("verification.approved")).path("id");

        playwright = io.callauth.common.Chromium.playwright();
        browser = io.callauth.common.Chromium.launch(playwright);
        context = browser.newContext(new Browser.NewContextOptions().setBaseURL(root.toString().replaceAll("/$", ""))
                .setViewportSize(1440, 900));
        page = context.newPage();
        page.setDefaultTimeout(15_000);
        Files.createDirectories(ConsoleBrowserTest.SHOTS);
    }

    @AfterAll
    void stop() {
        created.forEach(store::delete);
        if (context != null) context.close();
        if (browser != null) browser.close();
        if (playwright != null) playwright.close();
        if (receiver != null) receiver.close();
        clock.reset();
    }

    io.restassured.response.Response register(String path, List<String> events) {
        // RestAssured learns the app's port per test; @BeforeAll runs before that, so the base is given here
        var r = Api.as(Api.FRAUD_KEY).baseUri(root.toString()).body(Map.of("url", receiver.url(path).toString(), "events", events,
                "description", "console test")).post("/v1/webhooks").then().statusCode(201).extract().response();
        created.add(r.path("id"));
        return r;
    }

    /** one round of the sender, waiting for the requests it started */
    void send() {
        List<CompletableFuture<Void>> started = sender.round();
        CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.SECONDS).join();
    }

    JsonNode body(Receiver.Request r) {
        try {
            return json.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    Locator panel(String id) {
        return page.locator("[data-webhook='" + id + "']");
    }

    void shot(String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(ConsoleBrowserTest.SHOTS.resolve(name + ".png"))
                .setFullPage(true));
    }

    @Test
    @Order(1)
    void aFraudUserSignsInAndSeesItsEndpointsWithTheirHealthAndNoSecret() {
        page.navigate("/console/sign-in");
        page.fill("#key", Api.FRAUD_KEY);
        page.click("button[type=submit]");
        page.waitForURL("**/console");
        page.click("header nav a:text-is('Webhooks')");
        page.waitForURL("**/console/webhooks");

        Locator p = panel(hook);
        assertThat(p.locator("[data-field=url]").textContent()).isEqualTo(receiver.url("/hook").toString());
        assertThat(p.locator("[data-field=key]").textContent()).isEqualTo("fraud");
        assertThat(p.locator("[data-field=events]").textContent()).isEqualTo("verification.started");
        assertThat(p.locator("[data-state]").textContent()).isEqualTo("enabled");
        assertThat(p.locator("[data-count=delivered]").textContent()).isEqualTo("0");
        assertThat(p.locator("[data-count=pending]").textContent()).isEqualTo("0");
        assertThat(p.locator("[data-count=failed]").textContent()).isEqualTo("0");
        assertThat(p.locator("[data-field=last-failure]").textContent()).contains("no failure");
        assertThat(page.content()).doesNotContain(secret).doesNotContain("whsec_");
    }

    @Test
    @Order(2)
    void sendTestReachesTheReceiverSignedAndIsListedAsDelivered() {
        page.navigate("/console/webhooks");
        panel(hook).locator("button[data-action=test]").click();
        page.waitForSelector("#notice:has-text('Test event')");
        assertThat(page.textContent("#notice")).contains("Test event evt_").contains(hook);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            send();
            assertThat(receiver.requests("/hook")).anyMatch(r -> body(r).path("type").asText().equals("webhook.test"));
        });
        Receiver.Request got = receiver.requests("/hook").stream()
                .filter(r -> body(r).path("type").asText().equals("webhook.test")).findFirst().orElseThrow();
        assertThat(got.signedBy(secret)).isTrue();
        assertThat(body(got).path("data").path("webhookId").asText()).isEqualTo(hook);

        // the list counts it delivered; the endpoint's page lists it, and its status filter keeps it
        page.navigate("/console/webhooks");
        assertThat(panel(hook).locator("[data-count=delivered]").textContent()).isEqualTo("1");
        panel(hook).locator("a[data-link=deliveries]").click();
        page.waitForURL("**/console/webhooks/" + hook);
        Locator row = page.locator("tr[data-event='" + got.webhookId() + "']");
        assertThat(row.getAttribute("data-status")).isEqualTo("delivered");
        assertThat(row.textContent()).contains("webhook.test").contains("HTTP 200");
        page.click("#status a[data-status=delivered]");
        page.waitForURL(u -> u.contains("status=delivered"));
        assertThat(page.locator("tr[data-event='" + got.webhookId() + "']").count()).isEqualTo(1);
        page.click("#status a[data-status=failed]");
        page.waitForURL(u -> u.contains("status=failed"));
        assertThat(page.locator("tr[data-event]").count()).isZero();
        shot("webhook-deliveries");
    }

    @Test
    @Order(3)
    void aFailingEndpointShowsItsFailureAndItsPendingTry() {
        page.navigate("/console/webhooks/" + failing);
        page.click("button[data-action=test]");
        page.waitForSelector("#notice:has-text('Test event')");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            send();
            assertThat(receiver.requests("/failing")).isNotEmpty();
        });
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            page.navigate("/console/webhooks");
            Locator p = panel(failing);
            assertThat(p.locator("[data-count=pending]").textContent()).isEqualTo("1");
            assertThat(p.locator("[data-field=last-failure]").textContent()).contains("webhook.test")
                    .contains("HTTP 500");
            assertThat(p.locator("table[data-table=failures] tbody tr").count()).isEqualTo(1);
        });
        shot("webhooks");
    }

    @Test
    @Order(4)
    void replaySinceATimeSendsTheArchivesEventsAgain() throws Exception {
        // two verifications started at the moved clock (no other test writes there), already in the archive
        Instant now = clock.instant();
        long at = now.minus(Duration.ofMinutes(2)).toEpochMilli();
        List<String> vids = List.of("vf_" + Long.toHexString(at) + "a", "vf_" + Long.toHexString(at) + "b");
        List<AttemptLog.Entry> entries = new ArrayList<>();
        for (int i = 0; i < vids.size(); i++) {
            String phone = Api.newPhone();
            entries.add(new AttemptLog.Entry((at + i) + "-0", new AttemptRecord(at + i, "started", vids.get(i), phone,
                    "RU", phone.substring(1, 9), "callpass", "flashcall", null, null, null, "test", "203.0.113.9",
                    "test/1", "app-1", "dev-1")));
        }
        archive.store(entries);

        page.navigate("/console/webhooks");
        Locator p = panel(hook);
        p.locator("input[name=since]").fill(LOCAL_MINUTES.format(now.minus(Duration.ofMinutes(10))
                .truncatedTo(ChronoUnit.MINUTES)));
        p.locator("button[data-action=replay]").click();
        page.waitForSelector("#notice:has-text('Replay queued')");
        assertThat(page.textContent("#notice")).contains("Replay queued 2 events for " + hook);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            send();
            assertThat(receiver.requests("/hook")).filteredOn(r -> vids.contains(
                    body(r).path("data").path("verificationId").asText())).hasSize(2)
                    .allMatch(r -> r.signedBy(secret))
                    .allMatch(r -> body(r).path("type").asText().equals("verification.started"));
        });
        page.navigate("/console/webhooks/" + hook + "?status=delivered");
        assertThat(page.locator("tr[data-event] td:nth-child(2)").allTextContents())
                .filteredOn("verification.started"::equals).hasSize(2);

        // a time in the future is refused on the page, nothing queued
        page.navigate("/console/webhooks");
        panel(hook).locator("input[name=since]").fill(LOCAL_MINUTES.format(now.plus(Duration.ofDays(1))));
        panel(hook).locator("button[data-action=replay]").click();
        page.waitForSelector("#notice:has-text('Replay needs')");
        assertThat(page.textContent("#notice")).contains("a time in the past");
    }

    @Test
    @Order(5)
    void disableAndEnableAnEndpoint() {
        page.navigate("/console/webhooks");
        panel(hook).locator("button[data-action=disable]").click();
        page.waitForSelector("#notice:has-text('is disabled')");
        assertThat(panel(hook).locator("[data-state]").textContent()).isEqualTo("disabled");
        assertThat(panel(hook).locator("[data-field=disabled-reason]").textContent()).contains("disabled by its key");
        Api.as(Api.FRAUD_KEY).get("/v1/webhooks/" + hook).then().statusCode(200)
                .body("enabled", org.hamcrest.Matchers.equalTo(false));

        panel(hook).locator("button[data-action=enable]").click();
        page.waitForSelector("#notice:has-text('is enabled')");
        assertThat(panel(hook).locator("[data-state]").textContent()).isEqualTo("enabled");
        Api.as(Api.FRAUD_KEY).get("/v1/webhooks/" + hook).then().statusCode(200)
                .body("enabled", org.hamcrest.Matchers.equalTo(true));
    }
}
