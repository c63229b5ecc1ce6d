package io.callauth.it;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;

/** A fraud analyst at a packaged replica's console in Chromium: a desktop-sized window, signed in with a key. */
final class AnalystConsole {

    private AnalystConsole() {
    }

    /** a browser context on the replica (1440 × 900); close it when done */
    static BrowserContext context(Browser browser, PackagedApp app) {
        return browser.newContext(new Browser.NewContextOptions().setBaseURL(app.url()).setViewportSize(1440, 900));
    }

    /** a new page signed in with {@code key}: asked for the console, sent to sign in, and on the overview after it */
    static Page signedIn(BrowserContext context, String key) {
        Page page = context.newPage();
        page.setDefaultTimeout(15_000);
        page.navigate("/console");
        page.waitForURL("**/console/sign-in**");
        page.fill("#key", key);
        page.click("button[type=submit]");
        page.waitForURL("**/console");
        return page;
    }
}
