package io.callauth.console;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.FormData;
import com.microsoft.playwright.options.RequestOptions;
import io.callauth.common.MutableClock;
import io.callauth.verification.Api;
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
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * The fraud team's journey through the console in a real browser (Debian's Chromium driven by Playwright): sign in,
 * read the seeded day on the overview and its chart, filter the log by clicking a phone, open a verification and its
 * recording player, block a number and see the next start refused, CSRF, sign out. A screenshot of each page goes to
 * target/screenshots. The edge cases of sessions and CSRF are in {@link ConsoleHttpTest}.
 *
 * <p>The day is seeded at a clock moved 400 days ahead (to the middle of an hour), so that the overview's 24 h window
 * holds exactly the seeded records and the figures can be asserted. The verification page's calls come from the real
 * {@link io.callauth.calls.CallRecords}: the test archives one call placed by the sandbox provider (which keeps a record
 * and a recording) for the verification it opens, and the browser plays that recording.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {

    static final Path SHOTS = Paths.get("target", "screenshots");

    @Inject
    DaySeeder seeder;
    @Inject
    MutableClock clock;
    @Inject
    io.callauth.attempts.AttemptArchive archive;
    @TestHTTPResource("/")
    URL root;

    Playwright playwright;
    Browser browser;
    BrowserContext context;
    Page page;
    DaySeeder.Seeded seeded;

    @BeforeAll
    void start() throws Exception {
        clock.reset();
        Instant now = clock.instant();
        Instant target = now.plus(Duration.ofDays(400)).truncatedTo(ChronoUnit.HOURS).plus(Duration.ofMinutes(30));
        clock.advance(Duration.between(now, target));
        seeded = seeder.seed();

        playwright = io.callauth.common.Chromium.playwright();
        browser = io.callauth.common.Chromium.launch(playwright);
        context = browser.newContext(new Browser.NewContextOptions().setBaseURL(root.toString().replaceAll("/$", ""))
                .setViewportSize(1440, 900));
        page = context.newPage();
        page.setDefaultTimeout(15_000);
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    void stop() {
        if (context != null) context.close();
        if (browser != null) browser.close();
        if (playwright != null) playwright.close();
        clock.reset();
    }

    void shot(String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve(name + ".png")).setFullPage(true));
    }

    @Test
    @Order(1)
    void aWrongKeyAndAVerifyKeyAreRefusedAFraudKeySignsIn() {
        page.navigate("/console/attempts");
        assertThat(page.url()).endsWith("/console/sign-in");
        shot("sign-in");

        page.fill("#key", "no-such-key");
        page.click("button[type=submit]");
        assertThat(page.textContent("#sign-in-error")).contains("not a valid API key");

        page.fill("#key", Api.VERIFY_KEY);
        page.click("button[type=submit]");
        assertThat(page.textContent("#sign-in-error")).contains("no fraud role");
        assertThat(context.cookies()).noneMatch(c -> c.name.equals(ConsoleFilter.COOKIE));

        // the form post carries the console's real origin, which dev mode's CORS filter demands (DevModeOrigins
        // applies its rule here: an `Origin: null` post would be refused 403)
        List<String> origins = new java.util.concurrent.CopyOnWriteArrayList<>();
        page.onRequest(r -> {
            if (r.method().equals("POST") && r.url().endsWith("/console/sign-in")) {
                origins.add(String.valueOf(r.headerValue("origin")));
            }
        });
        page.fill("#key", Api.FRAUD_KEY);
        page.click("button[type=submit]");
        page.waitForURL("**/console");
        assertThat(origins).isNotEmpty().allMatch(DevModeOrigins::isLocal);
        var cookie = context.cookies().stream().filter(c -> c.name.equals(ConsoleFilter.COOKIE)).findFirst()
                .orElseThrow();
        assertThat(cookie.httpOnly).isTrue();
        assertThat(cookie.sameSite.name()).isEqualTo("STRICT");
        // the script cannot read it
        assertThat((String) page.evaluate("document.cookie")).doesNotContain(ConsoleFilter.COOKIE);
    }

    @Test
    @Order(2)
    void theOverviewShowsTheSeededDayAndDrawsItsChart() {
        page.navigate("/console?window=24h");
        assertThat(stat("started")).isEqualTo(TemplateExtensions.grouped(seeded.started()));
        assertThat(stat("approved")).isEqualTo(TemplateExtensions.grouped(seeded.approved()));
        assertThat(stat("conversion")).isEqualTo(seeded.conversion());
        assertThat(stat("calls-placed")).isEqualTo(TemplateExtensions.grouped(seeded.callsPlaced()));
        assertThat(stat("calls-delivered")).isEqualTo(TemplateExtensions.grouped(seeded.callsDelivered()));
        assertThat(stat("refused")).isEqualTo(TemplateExtensions.grouped(seeded.refused()));

        // Chart.js drew the hourly chart from the same figures
        page.waitForFunction("() => window.Chart && Chart.getChart(document.getElementById('hourly'))");
        Number charted = (Number) page.evaluate("() => Chart.getChart(document.getElementById('hourly'))"
                + ".data.datasets[0].data.reduce((a, b) => a + b, 0)");
        assertThat(charted.longValue()).isEqualTo(seeded.started());
        assertThat((Integer) page.evaluate("() => Chart.getChart(document.getElementById('hourly')).data.labels.length"))
                .isEqualTo(24);

        // the pumped range raised toll-fraud alerts and its conversion drop is highlighted; its value links to the log
        assertThat(page.textContent("#alerts")).contains(DaySeeder.PUMPED_PREFIX);
        Locator pumpedApp = page.locator("#by-appId tr.drop a", new Page.LocatorOptions().setHasText(DaySeeder.PUMPING_APP));
        assertThat(pumpedApp.count()).isEqualTo(1);
        shot("overview");

        // the window picker swaps the page (htmx) and redraws the chart
        page.click("#window a[data-window='7d']");
        page.waitForURL("**/console?window=7d");
        page.waitForFunction("() => Chart.getChart(document.getElementById('hourly'))"
                + " && Chart.getChart(document.getElementById('hourly')).data.labels.length === 168");
        assertThat(stat("started")).isEqualTo(TemplateExtensions.grouped(seeded.started() + seededBefore()));

        page.navigate("/console?window=24h");
        page.click("#by-appId a:text-is('" + DaySeeder.PUMPING_APP + "')");
        page.waitForURL("**/console/attempts?appId=" + DaySeeder.PUMPING_APP);
        assertThat(page.locator("#results a.app").allTextContents()).isNotEmpty().allMatch(DaySeeder.PUMPING_APP::equals);
    }

    /** the day before the seeded one: what the 7-day window adds (read from the API, whose totals come from the same rollups) */
    long seededBefore() {
        Instant to = ConsoleQueries.windowEnd(clock.instant());
        long all = Api.as(Api.FRAUD_KEY).get("/v1/attempts/summary?groupBy=day&from=" + to.minus(Duration.ofDays(7))
                + "&to=" + to).then().statusCode(200).extract().jsonPath().getLong("total.started");
        return all - seeded.started();
    }

    String stat(String name) {
        return page.textContent("[data-stat='" + name + "']").strip();
    }

    @Test
    @Order(3)
    void clickingAPhoneFiltersTheLogByIt() {
        page.navigate("/console/attempts");
        shot("attempts");
        Locator first = page.locator("#results a.phone").first();
        String phone = first.textContent();
        first.click();
        page.waitForURL(u -> u.contains("phone=%2B" + phone.substring(1)));
        List<String> phones = page.locator("#results td:nth-child(3)").allTextContents();
        assertThat(phones).isNotEmpty().allMatch(p -> p.strip().equals(phone));
        assertThat(page.inputValue("#f-phone")).isEqualTo(phone);
        // the export link carries the same filter
        assertThat(page.getAttribute("#export", "href")).contains("phone=%2B" + phone.substring(1));

        // the bombed number: mostly refusals by the destination limit
        page.fill("#f-phone", DaySeeder.BOMBED_PHONE);
        page.click("#filters button[type=submit]");
        page.waitForURL(u -> u.contains("phone=%2B79161234567"));
        assertThat(page.locator("#results td:nth-child(3)").allTextContents()).allMatch(p -> p.strip()
                .equals(DaySeeder.BOMBED_PHONE));
        assertThat(page.textContent("#results")).contains("destination");
        assertThat(page.locator("#older").count()).isEqualTo(1);
        page.click("#older");
        page.waitForURL(u -> u.contains("cursor="));
        assertThat(page.locator("#results td:nth-child(3)").allTextContents()).isNotEmpty();
    }

    @Test
    @Order(4)
    void aVerificationShowsItsTimelineCallsAndRecordingPlayer() throws Exception {
        page.navigate("/console/attempts?type=approved");
        page.locator("#results a.verification").first().click();
        page.waitForURL("**/console/verifications/vf_*");
        String id = page.url().replaceAll("^.*/console/verifications/", "").replaceAll("[?#].*$", "");
        assertThat(page.textContent(".timeline")).contains("started").contains("call_placed").contains("approved");
        // the seeded day has no call rows: give this verification one placed by the sandbox provider (which keeps a
        // record and a recording, as SunSim and Yunhu do), archived the way the ingester archives call records
        String callRef = id + ".sb1";
        long at = clock.millis() - 60_000;
        archive.store(List.of(
                new io.callauth.attempts.AttemptLog.Entry(at + "-900001", io.callauth.attempts.AttemptRecords
                        .at(at, io.callauth.attempts.AttemptType.CALL_PLACED).verification(id).provider("sandbox").channel("flashcall")
                        .call(callRef, null, "+7 495 ***-**-12").build()),
                new io.callauth.attempts.AttemptLog.Entry(at + "-900002", io.callauth.attempts.AttemptRecords
                        .at(at + 4000, io.callauth.attempts.AttemptType.CALL_OUTCOME).verification(id).provider("sandbox").outcome("delivered")
                        .call(callRef, null, null).build())));
        page.reload();
        assertThat(page.textContent("#calls")).contains("sandbox").contains("ringSeconds");
        Locator audio = page.locator("#calls audio");
        assertThat(audio.count()).isEqualTo(1);
        assertThat(audio.getAttribute("src")).isEqualTo("/console/calls/" + callRef + "/recording");
        assertThat(audio.getAttribute("controls")).isNotNull();
        // the console streams the provider's recording through its own route
        var fetched = context.request().get("/console/calls/" + callRef + "/recording");
        assertThat(fetched.status()).as(fetched.text()).isEqualTo(200);
        assertThat(fetched.headers().get("content-type")).startsWith("audio/mpeg");
        assertThat(fetched.body()).hasSizeGreaterThan(400).startsWith((byte) 0xFF, (byte) 0xFB);
        // and the browser's player loads it: ten silent MP3 frames, about a quarter of a second
        page.evaluate("() => document.querySelector('#calls audio').load()");
        page.waitForFunction("() => document.querySelector('#calls audio').readyState >= 1");
        assertThat(((Number) page.evaluate("() => document.querySelector('#calls audio').duration")).doubleValue())
                .isBetween(0.2, 0.4);
        shot("verification");
    }

    @Test
    @Order(5)
    void aBlockRuleAddedInTheConsoleRefusesTheNextStart() {
        String phone = Api.newPhone();
        page.navigate("/console/rules");
        page.selectOption("#r-action", "block");
        page.selectOption("#r-mode", "enforce");
        page.selectOption("#r-field", "phone");
        page.fill("#r-value", phone);
        page.fill("#r-reason", "SMS bombing reported by support");
        page.click("#add-rule button[type=submit]");
        page.waitForSelector("#rules td:has-text('" + phone + "')");
        assertThat(page.textContent("#audit")).contains("console:fraud");
        Api.start(phone).statusCode(403).body("code", equalTo("destination_not_allowed"));
        page.reload();
        shot("rules");
    }

    @Test
    @Order(6)
    void aFormPostWithoutTheCsrfTokenIsRefused() {
        var form = FormData.create().set("action", "block").set("mode", "enforce").set("field", "phone")
                .set("value", Api.newPhone()).set("reason", "forged");
        var refused = context.request().post("/console/rules", RequestOptions.create().setForm(form)
                .setMaxRedirects(0));
        assertThat(refused.status()).isEqualTo(403);
        var wrong = context.request().post("/console/rules", RequestOptions.create()
                .setForm(form.set("_csrf", "not-the-token")).setMaxRedirects(0));
        assertThat(wrong.status()).isEqualTo(403);
        // the same form, its own token removed from the page, submitted by the browser
        page.navigate("/console/rules");
        page.evaluate("() => document.querySelector('#add-rule input[name=_csrf]').remove()");
        page.fill("#r-value", Api.newPhone());
        page.fill("#r-reason", "forged in the page");
        var response = page.waitForResponse(r -> r.url().endsWith("/console/rules") && r.request().method().equals("POST"),
                () -> page.click("#add-rule button[type=submit]"));
        assertThat(response.status()).isEqualTo(403);
    }

    @Test
    @Order(7)
    void signOutEndsTheSession() {
        page.navigate("/console");
        page.click("#sign-out");
        page.waitForURL("**/console/sign-in");
        page.navigate("/console/rules");
        assertThat(page.url()).endsWith("/console/sign-in");
        assertThat(context.request().get("/console", RequestOptions.create().setMaxRedirects(0)).status())
                .isEqualTo(303);
    }

}
