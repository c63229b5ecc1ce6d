package io.callauth.console;

import com.microsoft.playwright.Page;

/** Screenshots of the console's pages, where ConsoleBrowserTest keeps its own. */
final class ConsoleBrowserTestShots {
    private ConsoleBrowserTestShots() {
    }

    static void shot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(ConsoleBrowserTest.SHOTS.resolve(name + ".png"))
                .setFullPage(true));
    }
}
