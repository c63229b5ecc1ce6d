package io.callauth.common;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Finds the Chromium the browser tests drive, the way a user expects, and says in one line what to install when there
 * is none. In order:
 * <ol>
 * <li>{@code CALLAUTH_CHROMIUM} (environment) or {@code -Dcallauth.chromium}: a browser's executable, or
 * {@code playwright} for Playwright's own browser (downloaded on first use);</li>
 * <li>the usual places: Debian's and Ubuntu's packages, Google Chrome, the macOS applications, Ubuntu's snap;</li>
 * <li>a browser Playwright downloaded before ({@code PLAYWRIGHT_BROWSERS_PATH}, or its cache in the home folder);</li>
 * <li>Playwright's own download, where the network reaches its download host.</li>
 * </ol>
 * Plain JDK only: the build runs this file as a single-file program before it compiles anything ({@code pom.xml},
 * phase {@code validate}), so a machine without a browser stops within seconds instead of after minutes of tests.
 * The tests use the same choice through {@link Chromium}.
 */
public final class BrowserCheck {

    public static final String ENV = "CALLAUTH_CHROMIUM";
    public static final String PROPERTY = "callauth.chromium";
    static final String PLAYWRIGHT = "playwright";
    static final List<String> USUAL = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable",
            "/Applications/Chromium.app/Contents/MacOS/Chromium",
            "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome", "/snap/bin/chromium");
    static final String DOWNLOAD_HOST = "cdn.playwright.dev";

    /** the browser to drive: an executable, or (when {@code executable} is null) Playwright's own */
    public record Choice(Path executable, String description) {
        public boolean playwrightsOwn() {
            return executable == null;
        }
    }

    /** no browser can be had; the message is one line that says what to install */
    public static final class NoBrowser extends IllegalStateException {
        NoBrowser(String message) {
            super(message);
        }
    }

    private BrowserCheck() {
    }

    public static Choice find() {
        String asked = System.getProperty(PROPERTY, System.getenv(ENV));
        if (asked != null && !asked.isBlank()) {
            if (asked.trim().equalsIgnoreCase(PLAYWRIGHT)) {
                return new Choice(null, "Playwright's own Chromium (" + ENV + "=playwright)");
            }
            Path p = Path.of(asked.trim());
            if (!Files.isExecutable(p) || Files.isDirectory(p)) {
                throw new NoBrowser(ENV + "=" + asked + " is not an executable file: point it at chromium or chrome,"
                        + " or set " + ENV + "=playwright for Playwright's own download");
            }
            return new Choice(p, p + " (" + ENV + ")");
        }
        for (String usual : USUAL) {
            Path p = Path.of(usual);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) {
                return new Choice(p, usual);
            }
        }
        for (Path cache : playwrightCaches()) {
            if (hasChromium(cache)) {
                return new Choice(null, "Playwright's Chromium in " + cache);
            }
        }
        if (reachable(DOWNLOAD_HOST, 443, 3_000)) {
            return new Choice(null, "Playwright's own Chromium, downloaded on first use from " + DOWNLOAD_HOST);
        }
        throw new NoBrowser("no Chromium for the browser tests: install one (Debian/Ubuntu: sudo apt-get install"
                + " chromium; macOS: brew install --cask chromium), or set " + ENV + " to its executable"
                + " (looked in " + String.join(", ", USUAL) + " and Playwright's cache; " + DOWNLOAD_HOST
                + " is not reachable for Playwright's download)");
    }

    static List<Path> playwrightCaches() {
        List<Path> out = new ArrayList<>();
        String env = System.getenv("PLAYWRIGHT_BROWSERS_PATH");
        if (env != null && !env.isBlank() && !env.equals("0")) {
            out.add(Path.of(env));
        }
        Path home = Path.of(System.getProperty("user.home"));
        boolean mac = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("mac");
        out.add(mac ? home.resolve("Library/Caches/ms-playwright") : home.resolve(".cache/ms-playwright"));
        return out;
    }

    static boolean hasChromium(Path cache) {
        if (!Files.isDirectory(cache)) {
            return false;
        }
        try (Stream<Path> dirs = Files.list(cache)) {
            return dirs.anyMatch(d -> d.getFileName().toString().startsWith("chromium-"));
        } catch (IOException e) {
            return false;
        }
    }

    static boolean reachable(String host, int port, int timeoutMillis) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), timeoutMillis);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code java BrowserCheck.java}: prints the choice, or the one line saying what to install (exit status 1) */
    public static void main(String[] args) {
        try {
            System.out.println("browser tests: " + find().description());
        } catch (NoBrowser e) {
            System.err.println("[ERROR] " + e.getMessage());
            System.exit(1);
        }
    }
}
