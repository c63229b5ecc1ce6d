package io.callauth.console;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import io.callauth.attempts.AttemptLog;
import io.callauth.attempts.AttemptRecords;
import io.callauth.attempts.AttemptType;
import io.callauth.background.StreamEntry;
import io.callauth.defence.AutoBlocks;
import io.callauth.defence.DefenceBlock;
import io.callauth.defence.DefenceJob;
import io.callauth.rules.Rule;
import io.callauth.rules.Rules;
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
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's Defence page in a real browser: a burst into a range of the test's own (fed to the detector as the
 * background seam hands records) shows as an active auto-block with its evidence and the range among the hottest;
 * "Release and allow" ends it, adds the allow rule and moves the block to the recent ones; a start into the range then
 * passes. Screenshot in target/screenshots/defence.png.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DefencePageBrowserTest {

    @Inject
    DefenceJob job;
    @Inject
    AutoBlocks blocks;
    @Inject
    Rules rules;
    @Inject
    Clock clock;
    @TestHTTPResource("/")
    URL root;

    Playwright playwright;
    Browser browser;
    BrowserContext context;
    Page page;
    final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    void start() {
        playwright = io.callauth.common.Chromium.playwright();
        browser = io.callauth.common.Chromium.launch(playwright);
        context = browser.newContext(new Browser.NewContextOptions().setBaseURL(root.toString().replaceAll("/$", ""))
                .setViewportSize(1440, 900));
        page = context.newPage();
        page.setDefaultTimeout(15_000);
    }

    @AfterAll
    void stop() {
        if (context != null) context.close();
        if (browser != null) browser.close();
        if (playwright != null) playwright.close();
    }

    @Test
    void anAutoBlockShowsWithItsEvidenceAndIsReleasedWithAnAllow() throws Exception {
        // a range of its own: +7 958 9 followed by 3 digits of this run
        String range = "79589" + String.format("%03d", Math.floorMod(run.hashCode(), 1000));
        List<StreamEntry> burst = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            String phone = "+" + range + String.format("%03d", i * 41);
            burst.add(new StreamEntry(0, new AttemptLog.Entry(System.currentTimeMillis() + "-" + i,
                    AttemptRecords.at(clock.millis(), AttemptType.STARTED).verification("vf_" + run + i)
                            .phone(phone, "RU").client("192.0.2." + i, "ua", "page-" + run, "d-" + run + i).build())));
        }
        job.handle(burst);
        DefenceBlock b = blocks.all().stream().filter(x -> x.value().equals(range)).findFirst().orElseThrow();

        page.navigate("/console/defence");
        page.fill("#key", Api.FRAUD_KEY);
        page.click("button[type=submit]");
        page.waitForURL("**/console");
        page.click("nav a:has-text('Defence')");
        page.waitForURL("**/console/defence");
        String row = "#active-blocks tr[data-block='" + b.ruleId() + "']";
        assertThat(page.textContent(row)).contains("range = " + range).contains("burst").contains("starts: 7")
                .contains("approved: 0").contains("neverSeenShare: 1.0");
        assertThat(page.textContent("#hottest tr[data-range='" + range + "']")).contains("7");
        assertThat(page.textContent("#defence-mode")).isEqualTo("enforce");
        Files.createDirectories(Paths.get("target", "screenshots"));
        page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "screenshots", "defence.png"))
                .setFullPage(true));

        page.fill(row + " input[name=allowDays]", "2");
        page.click(row + " button[value='1']");
        page.waitForSelector("#recent-blocks tr[data-block='" + b.ruleId() + "']");
        assertThat(page.textContent("#recent-blocks tr[data-block='" + b.ruleId() + "']"))
                .contains("released by console:fraud");
        assertThat(page.locator(row).count()).isZero();
        assertThat(rules.get(b.ruleId()).await().indefinitely()).isEmpty();
        Rule allow = rules.list().await().indefinitely().stream().filter(r -> !r.blocks())
                .filter(r -> r.match().containsValue(range)).findFirst().orElseThrow();
        try {
            Api.start("+" + range + "999").statusCode(201);
        } finally {
            rules.delete(allow.id(), "test").await().indefinitely();
        }
    }
}
