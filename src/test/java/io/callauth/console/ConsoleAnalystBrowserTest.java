package io.callauth.console;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.BoundingBox;
import io.callauth.attempts.AttemptArchive;
import io.callauth.attempts.AttemptLog;
import io.callauth.attempts.AttemptRecords;
import io.callauth.attempts.AttemptType;
import io.callauth.common.MutableClock;
import io.callauth.rules.Rule;
import io.callauth.rules.RuleRequest;
import io.callauth.rules.Rules;
import io.callauth.verification.Api;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * The console as the fraud analyst at 3 a.m. uses it, in a real Chromium: a freshly pumped range (no history, so no
 * conversion drop to compare with) turns the overview's alerts red on absolute evidence and is named as throttled by
 * the prefix limit, in the last-hour, last-15-minutes and a custom window; the attempts filter's total and top values;
 * a one-click block from an attempts cell that the next start meets; a rule's removal asks first; a verification page
 * that says its status and offers no player where the provider keeps no recording; every page at 390 px without
 * horizontal overflow and with sign-out in view; and no Content-Security-Policy violation anywhere.
 *
 * <p>The test owns its data: records written into the archive at a clock moved 700 days ahead (nothing else writes
 * there), in a number range, an app, addresses and devices of its own, random per run.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleAnalystBrowserTest {

    /** every CSP violation a page reports, as the browser sees it, kept in window.__csp */
    static final String CSP_LISTENER = "document.addEventListener('securitypolicyviolation', e => "
            + "(window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile));";

    /** the elements reaching past the right edge of the screen, outermost first, for an overflow's message */
    static final String WIDER = "() => [...document.querySelectorAll('body *')].filter(e => "
            + "e.getBoundingClientRect().right > innerWidth + 1 && !e.closest('.scroll')).slice(0, 6).map(e => "
            + "e.tagName + (e.id ? '#' + e.id : '') + (e.className ? '.' + String(e.className).replace(/ /g, '.') : '')"
            + " + ' ' + Math.round(e.getBoundingClientRect().right))";

    @Inject
    MutableClock clock;
    @Inject
    AttemptArchive archive;
    @Inject
    Rules rules;
    @TestHTTPResource("/")
    URL root;

    Playwright playwright;
    Browser browser;
    BrowserContext context;
    Page page;
    /** CSP violations and console errors of the pages opened by a test */
    final List<String> violations = new CopyOnWriteArrayList<>();

    final int run = ThreadLocalRandom.current().nextInt(1000, 9999);
    /** the pumped range: no record before this test's */
    final String pumped = "7958" + run;
    final String app = "pump-" + run;
    /** a slow pump: 5 starts an hour for 6 hours, never min-starts in one hour */
    final String slow = "7957" + run;
    final String longApp = "app-" + run + "-" + "x".repeat(111);
    final String ipA = "198.51.100." + (run % 200 + 1);
    final String ipB = "2001:db8:" + Integer.toHexString(run) + "::7";
    final String verificationId = "vf_analyst" + run;
    final AtomicInteger seq = new AtomicInteger();
    Instant now;

    @BeforeAll
    void start() throws Exception {
        clock.reset();
        Instant real = clock.instant();
        // 40 minutes into an hour: the last 15 minutes lie inside one hour of the rollups
        Instant target = real.plus(Duration.ofDays(700)).truncatedTo(ChronoUnit.HOURS).plus(Duration.ofMinutes(40));
        clock.advance(Duration.between(real, target));
        now = clock.instant();
        seed();

        playwright = io.callauth.common.Chromium.playwright();
        browser = io.callauth.common.Chromium.launch(playwright);
        context = browser.newContext(new Browser.NewContextOptions().setBaseURL(root.toString().replaceAll("/$", ""))
                .setViewportSize(1440, 900));
        // every CSP violation the page reports, as the browser sees it
        context.addInitScript(CSP_LISTENER);
        page = context.newPage();
        page.setDefaultTimeout(15_000);
        page.onConsoleMessage(m -> {
            if (m.type().equals("error")) {
                violations.add("console: " + m.text());
            }
        });
        page.navigate("/console/sign-in");
        page.fill("#key", Api.FRAUD_KEY);
        page.click("button[type=submit]");
        page.waitForURL("**/console");
    }

    @AfterAll
    void stop() {
        if (context != null) context.close();
        if (browser != null) browser.close();
        if (playwright != null) playwright.close();
        for (Rule r : rules.list().await().indefinitely()) {
            if (r.value().startsWith(pumped) || r.value().equals(app) || r.value().equals(longApp)) {
                rules.delete(r.id(), "test").await().indefinitely();
            }
        }
        clock.reset();
    }

    @BeforeEach
    void fresh() {
        violations.clear();
    }

    /** no page of the test reported a CSP violation or a console error */
    @AfterEach
    void noViolations() {
        collect();
        assertThat(violations).isEmpty();
    }

    void collect() {
        Object csp = page.evaluate("() => window.__csp || []");
        if (csp instanceof List<?> l) {
            l.forEach(v -> violations.add("csp on " + page.url() + ": " + v));
        }
    }

    /**
     * The pump: 40 starts in the last 3 minutes into fresh numbers of one range from one app, none approved (12 to
     * one number, 8 to another, 20 to one each; 25 from one address, 15 from an IPv6 one; 30 from one device), and 30
     * starts refused by the prefix limit (the first number, address and device). Beside it, a legitimate app whose id
     * is 120 characters long, and one approved verification whose call's outcome came last, by a provider that keeps
     * no recording.
     */
    void seed() throws Exception {
        List<AttemptLog.Entry> entries = new ArrayList<>();
        // three minutes ago: inside the last 15 minutes for the next twelve, and inside this hour
        long t = now.minus(Duration.ofMinutes(3)).toEpochMilli();
        for (int i = 0; i < 40; i++) {
            String phone = "+" + pumped + (i < 12 ? "001" : i < 20 ? "002" : String.format("%03d", 100 + i));
            entries.add(entry(AttemptRecords.at(t + i * 1000L, AttemptType.STARTED).verification("vf_pump" + run + "_" + i)
                    .phone(phone, "RU").provider("sandbox").channel("flashcall").apiKey("dev")
                    .client(i < 25 ? ipA : ipB, "PumpBot/1.0", app, i < 30 ? "dev-a-" + run : "dev-b-" + run)));
        }
        for (int i = 0; i < 30; i++) {
            entries.add(entry(AttemptRecords.at(t + 60_000 + i * 1000L, AttemptType.REFUSED).phone("+" + pumped + "001", "RU")
                    .reason("rate_limited").rule("prefix").apiKey("dev").client(ipA, "PumpBot/1.0", app, "dev-a-" + run)));
        }
        for (int i = 0; i < 3; i++) {
            String id = "vf_long" + run + "_" + i;
            entries.add(entry(AttemptRecords.at(t + i * 1000L, AttemptType.STARTED).verification(id)
                    .phone("+7916" + run + "55" + i, "RU").provider("sandbox").apiKey("dev")
                    .client("203.0.113.50", "Mozilla/5.0", longApp, "dev-long")));
        }
        Instant hour = now.truncatedTo(ChronoUnit.HOURS);
        for (int h = 1; h <= 6; h++) {
            for (int i = 0; i < 5; i++) {
                entries.add(entry(AttemptRecords.at(hour.minus(Duration.ofHours(h)).toEpochMilli() + i * 60_000L,
                        AttemptType.STARTED).verification("vf_slow" + run + "_" + h + "_" + i)
                        .phone("+" + slow + String.format("%03d", h * 10 + i), "RU").provider("sandbox").apiKey("dev")
                        .client("192.0.2." + h, "Mozilla/5.0", "shop-" + run, "dev-slow-" + h + i)));
            }
        }
        String callRef = verificationId + ".rt1";
        long v = t + 5000;
        entries.add(entry(AttemptRecords.at(v, AttemptType.STARTED).verification(verificationId)
                .phone("+7916" + run + "777", "RU").provider("runtel").apiKey("dev")
                .client("203.0.113.51", "Mozilla/5.0", longApp, "dev-long")));
        entries.add(entry(AttemptRecords.at(v + 100, AttemptType.CALL_PLACED).verification(verificationId)
                .provider("runtel").channel("flashcall").call(callRef, null, "+7 495 ***-**-12")));
        entries.add(entry(AttemptRecords.at(v + 9000, AttemptType.APPROVED).verification(verificationId)
                .phone("+7916" + run + "777", "RU")));
        entries.add(entry(AttemptRecords.at(v + 12000, AttemptType.CALL_OUTCOME).verification(verificationId)
                .provider("runtel").outcome("delivered").call(callRef, null, null)));
        archive.store(entries);
    }

    AttemptLog.Entry entry(AttemptRecords.Builder b) {
        return new AttemptLog.Entry(now.toEpochMilli() - 3_600_000 + "-" + run + seq.incrementAndGet(), b.build());
    }

    void shot(String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(ConsoleBrowserTest.SHOTS.resolve(name + ".png"))
                .setFullPage(true));
    }

    Locator pumpedAlert() {
        return page.locator("#alerts .alert[data-kind='no_approvals'][data-key='" + pumped + "']");
    }

    @Test
    void aFreshlyPumpedRangeTurnsTheAlertsRedAndIsNamedAsThrottled() {
        for (String window : List.of("1h", "15m")) {
            page.navigate("/console?window=" + window);
            Locator alert = pumpedAlert();
            assertThat(alert.count()).as(window).isEqualTo(1);
            assertThat(alert.textContent()).contains("40 starts").contains("0 approved");
            // red: the absolute-evidence alerts' own colour, not the drops' orange
            assertThat(alert.evaluate("e => getComputedStyle(e).backgroundColor")).isEqualTo("rgb(254, 242, 242)");
            assertThat(page.locator("#alerts .alert[data-kind='no_approvals'][data-key='" + app + "']").count())
                    .isEqualTo(1);
            assertThat(page.textContent("#throttled [data-prefix='" + pumped + "']")).contains("30");
        }
        assertThat(page.textContent("#range")).contains("to the minute");
        // the last 15 minutes count the pump's starts to the minute
        Locator row = page.locator("#by-prefix tr", new Page.LocatorOptions().setHasText(pumped));
        assertThat(row.locator("td:nth-child(2)").textContent().strip()).isEqualTo("40");
        assertThat(row.locator("td:nth-child(3)").textContent().strip()).isEqualTo("0");
        // the slow pump: no hour reaches min-starts, the day does
        page.navigate("/console?window=24h");
        Locator slowAlert = page.locator("#alerts .alert[data-kind='no_approvals'][data-key='" + slow + "']");
        assertThat(slowAlert.count()).isEqualTo(1);
        assertThat(slowAlert.getAttribute("data-span")).isEqualTo("window");
        assertThat(slowAlert.textContent()).contains("30 starts").contains("over the window");
        page.navigate("/console?window=1h");
        assertThat(page.locator("#alerts .alert[data-key='" + slow + "']").count()).isZero();

        // a custom range: this hour, given to the minute, read as whole hours
        Instant hour = now.truncatedTo(ChronoUnit.HOURS);
        page.navigate("/console?window=1h");
        String started = page.textContent("[data-stat='started']").strip();
        page.fill("#c-from", OverviewWindow.local(hour.plus(Duration.ofMinutes(5))));
        page.fill("#c-to", OverviewWindow.local(hour.plus(Duration.ofMinutes(50))));
        page.click("#custom-range button[type=submit]");
        page.waitForURL(u -> u.contains("window=custom"));
        assertThat(page.textContent("[data-stat='started']").strip()).isEqualTo(started);
        assertThat(pumpedAlert().count()).isEqualTo(1);
        assertThat(page.inputValue("#c-from")).isEqualTo(OverviewWindow.local(hour));
        // the window picker swaps the page in place (htmx): the chart's canvas keeps no style attribute the CSP refuses
        page.click("#window a[data-window='15m']");
        page.waitForURL("**/console?window=15m");
        page.waitForFunction("() => window.Chart && Chart.getChart(document.getElementById('hourly'))"
                + " && Chart.getChart(document.getElementById('hourly')).data.labels.length >= 15");
        assertThat(pumpedAlert().count()).isEqualTo(1);
        shot("overview-alerts");

        // a block straight from the alert: the dialog opens prefilled; cancel leaves no rule
        pumpedAlert().locator("a.block-link").click();
        assertThat(page.isVisible("#block-dialog")).isTrue();
        assertThat(page.inputValue("#b-value")).isEqualTo(pumped);
        assertThat(page.inputValue("#b-reason")).contains("40 starts");
        page.click("#b-cancel");
        assertThat(page.isVisible("#block-dialog")).isFalse();
        assertThat(rules.list().await().indefinitely()).noneMatch(r -> r.value().equals(pumped));
    }

    @Test
    void theAttemptsFilterShowsItsTotalAndTopValuesAndTheUserAgent() {
        page.navigate("/console/attempts?appId=" + app);
        page.waitForSelector("#stats-total");
        assertThat(page.getAttribute("#stats-total", "data-total")).isEqualTo("70");
        assertThat(tops("phone")).startsWith(Map.entry("+" + pumped + "001", 42L), Map.entry("+" + pumped + "002", 8L));
        assertThat(tops("prefix")).containsExactly(Map.entry(pumped, 70L));
        assertThat(tops("ip")).containsExactly(Map.entry(ipA, 55L), Map.entry(ipB, 15L));
        assertThat(tops("deviceId")).containsExactly(Map.entry("dev-a-" + run, 60L), Map.entry("dev-b-" + run, 10L));
        assertThat(tops("appId")).containsExactly(Map.entry(app, 70L));
        assertThat(tops("userAgent")).containsExactly(Map.entry("PumpBot/1.0", 70L));
        assertThat(page.textContent("#results")).contains("PumpBot/1.0");
        // a narrower filter counts less
        page.navigate("/console/attempts?appId=" + app + "&type=refused");
        page.waitForSelector("#stats-total");
        assertThat(page.getAttribute("#stats-total", "data-total")).isEqualTo("30");
        shot("attempts-stats");
    }

    List<Map.Entry<String, Long>> tops(String dim) {
        List<Map.Entry<String, Long>> out = new ArrayList<>();
        Locator rows = page.locator("#top-" + dim + " .top-row");
        for (int i = 0; i < rows.count(); i++) {
            out.add(Map.entry(rows.nth(i).getAttribute("data-value"), Long.parseLong(rows.nth(i).getAttribute("data-count"))));
        }
        return out;
    }

    @Test
    void oneClickOnARangeCellBlocksItAndRemovingTheRuleAsksFirst() {
        String fresh = "+" + pumped + "999";
        page.navigate("/console/attempts?appId=" + app + "&type=started");
        page.locator("#results a.block-link[data-block-field='prefix']").first().click();
        assertThat(page.isVisible("#block-dialog")).isTrue();
        assertThat(page.inputValue("#b-value")).isEqualTo(pumped);
        assertThat(page.inputValue("#b-reason")).startsWith("range " + pumped);
        // a day from now, to the minute (the clock ticks: compared to the hour)
        assertThat(page.inputValue("#b-expires"))
                .startsWith(OverviewWindow.local(clock.instant().plus(Duration.ofHours(24))).substring(0, 13));
        page.fill("#b-reason", "pumped at 3 a.m.");
        page.click("#b-confirm");
        // back on the page the block was made on
        page.waitForURL(u -> u.contains("/console/attempts?") && u.contains("type=started"));
        Rule rule = rules.list().await().indefinitely().stream().filter(r -> r.value().equals(pumped)).findFirst()
                .orElseThrow();
        assertThat(rule.blocks()).isTrue();
        assertThat(rule.enforced()).isTrue();
        assertThat(rule.reason()).isEqualTo("pumped at 3 a.m.");
        assertThat(rule.createdBy()).isEqualTo("console:fraud");
        Api.start(fresh).statusCode(403).body("code", equalTo("destination_not_allowed"));

        // removing it asks; "cancel" keeps it
        page.navigate("/console/rules");
        Locator remove = page.locator("tr[data-rule='" + rule.id() + "'] button.danger");
        List<String> asked = new ArrayList<>();
        page.onceDialog(d -> {
            asked.add(d.message());
            d.dismiss();
        });
        remove.click();
        assertThat(asked).singleElement().asString().contains("Remove").contains(pumped);
        page.reload();
        assertThat(page.locator("tr[data-rule='" + rule.id() + "']").count()).isEqualTo(1);
        // "OK" removes it, and the range takes starts again
        page.onceDialog(d -> d.accept());
        page.locator("tr[data-rule='" + rule.id() + "'] button.danger").click();
        page.waitForURL("**/console/rules");
        page.waitForFunction("id => !document.querySelector(`tr[data-rule='${id}']`)", rule.id());
        assertThat(rules.list().await().indefinitely()).noneMatch(r -> r.id().equals(rule.id()));
        Api.start(fresh).statusCode(201);
    }

    @Test
    void aVerificationSaysItsStatusAndOffersNoPlayerWithoutARecording() {
        page.navigate("/console/verifications/" + verificationId);
        assertThat(page.textContent("#status")).contains("approved").contains("last event call_outcome");
        assertThat(page.locator("#status .badge.approved").count()).isEqualTo(1);
        assertThat(page.textContent("#calls")).contains("runtel");
        assertThat(page.locator("#calls audio").count()).isZero();
        assertThat(page.textContent("#calls .no-recording")).contains("keeps no recording");
    }

    @Test
    void atPhoneWidthNoPageOverflowsAndSignOutStaysInView() {
        // not isMobile: a mobile viewport zooms out to fit wide content, its innerWidth growing with the overflow
        BrowserContext phone = browser.newContext(new Browser.NewContextOptions()
                .setBaseURL(root.toString().replaceAll("/$", "")).setViewportSize(390, 844)
                .setStorageState(context.storageState()));
        phone.addInitScript(CSP_LISTENER);
        try {
            Page p = phone.newPage();
            p.setDefaultTimeout(15_000);
            for (String path : List.of("/console?window=1h", "/console?window=15m", "/console?window=24h",
                    "/console/attempts", "/console/attempts?appId=" + Links.enc(longApp),
                    "/console/attempts?appId=" + app, "/console/rules", "/console/verifications/" + verificationId,
                    "/console/webhooks", "/console/defence", "/console/routing")) {
                p.navigate(path);
                p.waitForLoadState();
                if (path.startsWith("/console/attempts")) {
                    p.waitForSelector("#stats-total, #stats .error, #results .empty");
                }
                int scroll = ((Number) p.evaluate("() => document.scrollingElement.scrollWidth")).intValue();
                int inner = ((Number) p.evaluate("() => window.innerWidth")).intValue();
                assertThat(inner).isEqualTo(390);
                assertThat(scroll).as(() -> path + " overflows: " + p.evaluate(WIDER)).isLessThanOrEqualTo(inner);
                assertThat(p.isVisible("#sign-out")).as(path).isTrue();
                BoundingBox box = p.locator("#sign-out").boundingBox();
                assertThat(box.x + box.width).as(path + ": sign-out within the screen").isLessThanOrEqualTo(inner);
                assertThat(box.x).isGreaterThanOrEqualTo(0);
                Object csp = p.evaluate("() => window.__csp || []");
                assertThat((List<?>) csp).as(path).isEmpty();
            }
            p.navigate("/console?window=24h");
            p.screenshot(new Page.ScreenshotOptions().setPath(ConsoleBrowserTest.SHOTS.resolve("overview-390.png"))
                    .setFullPage(true));
        } finally {
            phone.close();
        }
    }
}
