package io.callauth.common;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;

import java.util.List;
import java.util.Map;

/**
 * The Chromium the browser tests drive through Playwright, headless and quiet: the one {@link BrowserCheck} finds (a
 * setting, the usual places, or Playwright's own download). When there is none, every browser test fails at once
 * with the same one-line message; the build's own check ({@code validate} phase) normally stops before that.
 */
public final class Chromium {

    private static BrowserCheck.Choice choice;
    private static RuntimeException missing;

    private Chromium() {
    }

    static synchronized BrowserCheck.Choice choice() {
        if (missing != null) {
            throw missing;
        }
        if (choice == null) {
            try {
                choice = BrowserCheck.find();
            } catch (BrowserCheck.NoBrowser e) {
                missing = e;
                throw e;
            }
        }
        return choice;
    }

    public static Playwright playwright() {
        if (choice().playwrightsOwn()) {
            return Playwright.create();
        }
        return Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    }

    public static Browser launch(Playwright playwright) {
        BrowserType.LaunchOptions options = new BrowserType.LaunchOptions().setHeadless(true)
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync"));
        if (!choice().playwrightsOwn()) {
            options.setExecutablePath(choice().executable());
        }
        return playwright.chromium().launch(options);
    }
}
