package io.callauth.console;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import io.callauth.attempts.AttemptArchive;
import io.callauth.attempts.AttemptLog;
import io.callauth.attempts.AttemptRecords;
import io.callauth.attempts.AttemptType;
import io.callauth.common.MutableClock;
import io.callauth.routing.RoutingFiguresTesting;
import io.callauth.verification.Api;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URL;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The console's Routing page in a real Chromium, and a routing decision on the verification page. */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoutingPageBrowserTest {

    @Inject
    RoutingFiguresTesting figures;
    @Inject
    AttemptArchive archive;
    @Inject
    MutableClock clock;
    @TestHTTPResource("/")
    URL root;

    Playwright playwright;
    Browser browser;
    BrowserContext context;
    Page page;

    @BeforeAll
    void start() throws Exception {
        playwright = io.callauth.common.Chromium.playwright();
        browser = io.callauth.common.Chromium.launch(playwright);
        context = browser.newContext(new Browser.NewContextOptions().setBaseURL(root.toString().replaceAll("/$", ""))
                .setViewportSize(1440, 900));
        page = context.newPage();
        page.setDefaultTimeout(15_000);
        Files.createDirectories(ConsoleBrowserTest.SHOTS);
        page.navigate("/console/sign-in");
        page.fill("#key", Api.FRAUD_KEY);
        page.click("button[type=submit]");
        page.waitForURL("**/console");
    }

    @AfterAll
    void stop() {
        figures.clear();
        if (context != null) context.close();
        if (browser != null) browser.close();
        if (playwright != null) playwright.close();
    }

    @Test
    void theRoutingPageShowsEachGroupsFiguresAndOrder() {
        String group = "RU/+7958" + ThreadLocalRandom.current().nextInt(10);
        // 40 CallPass calls to the group, 30 delivered, 27 approved, counted as the worker counts them
        figures.record(group, "callpass", 40, 30, 27);
        page.navigate("/console/routing");
        assertThat(page.textContent("#routing-mode")).isEqualTo("adaptive");
        // the window the figures cover, as configured (callauth.routing.window: 60 minutes by default)
        assertThat(page.textContent("#routing-window")).isEqualTo("hour");
        var row = page.locator("tr.routing-row[data-group='" + group + "'][data-provider='callpass']");
        assertThat(row.count()).isEqualTo(1);
        String text = row.textContent();
        assertThat(text).contains(group).contains("callpass").contains("40").contains("30").contains("27")
                .contains("cost per approval");
        // each figure in its named cell: the raw counts, why, and the estimated delivery (30 of 40 with the prior
        // of 4 calls at 0.9, the bucket weighted by its age: 0.76-0.77)
        assertThat(row.locator("td.group").textContent()).isEqualTo(group);
        assertThat(row.locator("td.order").textContent()).isEqualTo("callpass");
        assertThat(row.locator("td.why").textContent()).isEqualTo("cost per approval");
        assertThat(row.locator("td.provider").textContent()).isEqualTo("callpass");
        assertThat(row.locator("td.placed").textContent()).isEqualTo("40");
        assertThat(row.locator("td.delivered").textContent()).isEqualTo("30");
        assertThat(row.locator("td.approved").textContent()).isEqualTo("27");
        assertThat(Double.parseDouble(row.locator("td.delivery").textContent())).isCloseTo(0.765, within(0.01));
        assertThat(Double.parseDouble(row.locator("td.conversion").textContent())).isBetween(0.6, 0.77);
        assertThat(Double.parseDouble(row.locator("td.cost").textContent())).isEqualTo(1.0);
        assertThat(Double.parseDouble(row.locator("td.cpa").textContent())).isGreaterThan(1.0);
        assertThat(page.locator("nav a[href='/console/routing']").getAttribute("class")).contains("on");
        ConsoleBrowserTestShots.shot(page, "routing");
    }

    @Test
    void aVerificationShowsItsRoutingDecision() throws Exception {
        String id = "vf_routing" + ThreadLocalRandom.current().nextInt(1_000_000);
        long at = clock.millis();
        String detail = "{\"routing\":\"adaptive\",\"group\":\"RU/Beeline\",\"order\":[\"yunhu\",\"callpass\"],"
                + "\"reason\":\"cost_per_approval\",\"providers\":[{\"provider\":\"callpass\",\"cost\":0.4,"
                + "\"delivery\":0.21,\"approval\":0.2,\"expectedCostPerApproval\":3.1},{\"provider\":\"yunhu\","
                + "\"cost\":0.6,\"delivery\":0.95,\"approval\":0.9,\"expectedCostPerApproval\":0.69}]}";
        archive.store(List.of(new AttemptLog.Entry(at + "-910001", AttemptRecords.at(at, AttemptType.STARTED)
                .verification(id).phone("+79031234567", "RU").provider("yunhu").detail(detail).build())));
        page.navigate("/console/verifications/" + id);
        assertThat(page.textContent(".timeline .routing-note")).contains("routed yunhu → callpass")
                .contains("cost per approval").contains("callpass delivery 0.21");
    }
}
