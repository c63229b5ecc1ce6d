package io.callauth.it;

import io.callauth.attempts.AttemptType;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import io.callauth.attempts.AttemptLog;
import io.callauth.attempts.AttemptRecord;
import io.callauth.attempts.AttemptRecords;
import io.callauth.common.EmbeddedRedisConfigSource;
import io.callauth.common.Shards;
import io.callauth.provider.Mp3Fixture;
import io.callauth.provider.sunsim.SunSimEmulator;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * Issue 9's "done when" on the packaged app: two replicas (prod profile, env only) on one Redis and one PostgreSQL,
 * calls placed through the SunSim wire emulator. Normal sign-ups are approved with the code of their call and a
 * pumping attack (many starts into one range from one app, never approved) is scripted through the HTTP API of both
 * replicas. An analyst signed into replica A's console with a fraud key sees the attack on the overview (a toll-fraud
 * alert for the range, its row marked as a drop, the app at 0 % conversion), reaches the range's and then the app's
 * attempts in two clicks, blocks the range in the Rules form, and the next start into it is refused by both replicas;
 * the page of a verification whose SunSim call was recorded plays the recording through the console's own route.
 *
 * <p>A drop needs a baseline: the range converted normally the day before. The test appends that day (the hours
 * that began 24 and 23 hours before this one, 22 starts and 20 approvals each) to the replicas' attempt stream in
 * Redis as the replicas log records ({@link AttemptRecords}, sharded by {@link Shards}), and the replicas' own
 * ingesters archive it; no PostgreSQL table is written by the test. Screenshots go to target/screenshots/it-*.png.
 */
class ConsoleIT {

    /** its own Redis database (ChainIT has 1, ArchiveIT 2): the calls it leaves tracked stay its own */
    static final String DB = "3";
    static final int STREAM_SHARDS = 8; // callauth.attempts.stream-shards
    static final Path SHOTS = Paths.get("target", "screenshots");
    /** the pumped range: +7 958 555-0x-xx, a mobile range (premium-rate numbers are refused by geo policy anyway) */
    static final String PUMPED = "79585550";
    static final String PUMPING_APP = "bonus-" + UUID.randomUUID().toString().substring(0, 6);
    static final int ATTACK = 40;
    static final String[] CALLER_IDS = {"74950001122", "74950003344", "74950005566"};
    static final String SUNSIM_AUTH = "sunsim-auth-console-it";

    static SunSimEmulator sunsim;
    static PackagedApp a;
    static PackagedApp b;
    static int redisPort;
    static Playwright playwright;
    static Browser browser;
    static final AtomicInteger SEQ = new AtomicInteger();

    @BeforeAll
    static void boot() throws Exception {
        sunsim = SunSimEmulator.start(SUNSIM_AUTH);
        String redis = EmbeddedRedisConfigSource.ensureStarted();
        redisPort = URI.create(redis).getPort();
        Map<String, String> env = ProdJarIT.env(redis + "/" + DB, "http://127.0.0.1:9");
        // the analyst stops this pump by hand, with the automatic defence off (DefenceIT and the console's Defence page
        // tests cover it; its monitor rules on the same range would sit beside the analyst's in the Rules page)
        env.put("CALLAUTH_DEFENCE_MODE", "off");
        env.keySet().removeIf(k -> k.startsWith("CALLAUTH_PROVIDERS_CALLPASS_"));
        env.put("CALLAUTH_API_KEYS", env.get("CALLAUTH_API_KEYS") + "," + ArchiveIT.FRAUD);
        env.put("CALLAUTH_PROVIDERS_CHAIN", "sunsim");
        env.put("CALLAUTH_PROVIDERS_SUNSIM_URL", sunsim.url());
        env.put("CALLAUTH_PROVIDERS_SUNSIM_AUTHORIZATION_TOKEN", SUNSIM_AUTH);
        env.put("CALLAUTH_PROVIDERS_SUNSIM_CALLER_IDS", String.join(",", CALLER_IDS));
        // 40 starts into one range from a few addresses: the per-IP and per-range limits would stop the scripted
        // attack before the overview could show it (refusing it is the rule's job here)
        env.put("CALLAUTH_RATE_LIMITS_IP", "off");
        env.put("CALLAUTH_RATE_LIMITS_PREFIX", "off");
        a = PackagedApp.start(env);
        b = PackagedApp.start(env);
        a.awaitReady();
        b.awaitReady();
        playwright = io.callauth.common.Chromium.playwright();
        browser = io.callauth.common.Chromium.launch(playwright);
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() throws Exception {
        PackagedApp.closeAll(browser, playwright, a, b, sunsim);
    }

    // ------------------------------------------------------------------ the API, as client apps and the team use it

    private static Response start(PackagedApp app, String phone, String appId, String ip) {
        return RestAssured.given().baseUri(app.url()).header("Authorization", "Bearer dev-key-change-me")
                .contentType(ContentType.JSON)
                .body("{\"phone\":\"" + phone + "\",\"context\":{\"appId\":\"" + appId + "\",\"ip\":\"" + ip + "\"}}")
                .post("/v1/verifications");
    }

    /** a fresh number of an 8-digit range */
    private static String phone(String range) {
        return "+" + range + String.format("%03d", SEQ.incrementAndGet());
    }

    /** the code of the last call SunSim placed: the last digits of the caller ID it showed */
    private static String lastCode() {
        List<Map<String, Object>> calls = sunsim.makeCalls();
        String ext = calls.get(calls.size() - 1).get("extNum").toString();
        return ext.substring(ext.length() - 4);
    }

    private static void approve(PackagedApp app, String id, String code) {
        RestAssured.given().baseUri(app.url()).header("Authorization", "Bearer dev-key-change-me")
                .contentType(ContentType.JSON).body("{\"code\":\"" + code + "\"}")
                .post("/v1/verifications/" + id + "/check").then().statusCode(200)
                .body("valid", equalTo(true)).body("status", equalTo("approved"));
    }

    /** how many archived records match the attempt log's filters (one page: fewer than 1000 here) */
    private static int archived(PackagedApp app, String query) {
        List<Object> items = RestAssured.given().baseUri(app.url()).header("Authorization", "Bearer fraud-key")
                .get("/v1/attempts?limit=1000&" + query).then().statusCode(200).extract().jsonPath().getList("items");
        assertThat(items.size()).isLessThan(1000);
        return items.size();
    }

    /**
     * The day before, as the replicas logged it: in the hour that began 24 hours before this one and in the next,
     * 22 starts into the range from the shop's app, 20 of them approved. Appended to the attempt stream of this
     * test's Redis database, where the replicas' ingesters read it.
     */
    private static void seedYesterday() throws Exception {
        long hour = System.currentTimeMillis() / 3_600_000L * 3_600_000L;
        List<List<String>> commands = new ArrayList<>();
        commands.add(List.of("SELECT", DB));
        int n = 800;
        for (long base : new long[]{hour - Duration.ofHours(24).toMillis(), hour - Duration.ofHours(23).toMillis()}) {
            for (int i = 0; i < 22; i++) {
                String id = "vf_" + UUID.randomUUID().toString().replace("-", "");
                String phone = "+" + PUMPED + (n++);
                long at = base + 60_000L * (i + 1);
                String ip = "198.51.100." + (i + 1);
                commands.add(xadd(AttemptRecords.at(at, AttemptType.STARTED).verification(id).phone(phone, "RU")
                        .provider("sunsim").apiKey("shop").client(ip, null, "shop-ios", null).build()));
                if (i < 20) {
                    AttemptRecord check = AttemptRecords.at(at + 20_000, AttemptType.CHECK).verification(id).phone(phone, "RU")
                            .provider("sunsim").channel("flashcall").apiKey("shop").client(ip, null, "shop-ios", null)
                            .outcome("valid").build();
                    commands.add(xadd(check));
                    commands.add(xadd(check.withType(AttemptType.APPROVED)));
                }
            }
        }
        RedisNodes.pipeline(redisPort, commands);
    }

    private static List<String> xadd(AttemptRecord r) {
        List<String> c = new ArrayList<>(List.of("XADD", AttemptLog.stream(Shards.of(r.verificationId(), STREAM_SHARDS)),
                "*"));
        r.fields().forEach((k, v) -> {
            c.add(k);
            c.add(v);
        });
        return c;
    }

    /**
     * how long the fixture plays: its MPEG-1 Layer III frames (sync word FF Fx) of 1152 samples at 44.1 kHz; it holds
     * six 128 kbit/s frames of 417 bytes after a 10-byte ID3 header, about 0.157 s
     */
    private static double fixtureSeconds() {
        byte[] mp3 = Mp3Fixture.bytes();
        int frames = 0;
        for (int i = 10; i + 1 < mp3.length; i += 417) {
            if ((mp3[i] & 0xFF) == 0xFF && (mp3[i + 1] & 0xE0) == 0xE0) {
                frames++;
            }
        }
        assertThat(frames).as("frames of the fixture").isPositive();
        return frames * 1152 / 44_100.0;
    }

    private static void shot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("it-" + name + ".png")).setFullPage(true));
    }

    // ------------------------------------------------------------------ the journey

    @Test
    void anAnalystSeesThePumpingFindsItInTwoClicksBlocksItOnEveryReplicaAndPlaysARecording() throws Exception {
        Instant began = Instant.now();
        seedYesterday();

        // normal sign-ups in three ranges and two apps, through both replicas, each approved with its call's code
        // (checked on the other replica); SunSim records the first call
        String[][] normal = {{"79161230", "shop-ios"}, {"79265550", "shop-android"}, {"79034440", "shop-ios"}};
        String recorded = null;
        for (int i = 0; i < 6; i++) {
            if (i == 0) {
                sunsim.nextCallRecorded();
            }
            String[] n = normal[i % normal.length];
            String id = start(i % 2 == 0 ? a : b, phone(n[0]), n[1], "192.0.2." + (10 + i)).then().statusCode(201)
                    .body("provider", equalTo("sunsim")).extract().path("id");
            approve(i % 2 == 0 ? b : a, id, lastCode());
            if (i == 0) {
                recorded = id;
            }
        }
        // the attack: 40 starts into one range from one app, through both replicas, never approved
        for (int i = 0; i < ATTACK; i++) {
            start(i % 2 == 0 ? a : b, "+" + PUMPED + String.format("%03d", i), PUMPING_APP, "203.0.113." + (1 + i % 4))
                    .then().statusCode(201).body("provider", equalTo("sunsim"));
        }
        // every record reaches the archive within 5 s (the other replica's API answers from PostgreSQL)
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() -> {
            assertThat(archived(b, "type=started&prefix=" + PUMPED + "&appId=" + PUMPING_APP)).isEqualTo(ATTACK);
            assertThat(archived(a, "type=approved&from=" + began)).isEqualTo(6);
            assertThat(archived(a, "type=approved&prefix=" + PUMPED)).isEqualTo(40);
        });

        try (BrowserContext context = AnalystConsole.context(browser, a)) {
            // signed in with a fraud key: the overview, 24 h window
            Page page = AnalystConsole.signedIn(context, "fraud-key");
            assertThat(page.getAttribute("#window a.on", "data-window")).isEqualTo("24h");
            // the range raised a toll-fraud alert, and its row is marked as a drop against the previous window
            assertThat(page.locator("#alerts .alert a", new Page.LocatorOptions().setHasText(PUMPED)).count())
                    .isGreaterThanOrEqualTo(1);
            Locator pumpedRow = page.locator("#by-prefix tr.drop", new Page.LocatorOptions().setHasText(PUMPED));
            assertThat(pumpedRow.count()).isEqualTo(1);
            // the app: every start of the window, none approved
            Locator appRow = page.locator("#by-appId tr", new Page.LocatorOptions().setHasText(PUMPING_APP));
            assertThat(appRow.locator("td:nth-child(2)").textContent().strip()).isEqualTo(Integer.toString(ATTACK));
            assertThat(appRow.locator("td.conv").textContent()).startsWith("0.0%");
            shot(page, "overview");

            // click 1: the range → its attempts, whose rows name the app
            pumpedRow.locator("a:text-is('" + PUMPED + "')").click();
            page.waitForURL("**/console/attempts?prefix=" + PUMPED);
            assertThat(page.locator("#results td:nth-child(5)").allTextContents()).isNotEmpty()
                    .allMatch(p -> p.strip().equals(PUMPED));
            assertThat(page.locator("#results a.app").allTextContents()).isNotEmpty().contains(PUMPING_APP);
            shot(page, "attempts-prefix");

            // click 2: the app → the range's attempts from that app
            page.locator("#results a.app:text-is('" + PUMPING_APP + "')").first().click();
            page.waitForURL("**/console/attempts?prefix=" + PUMPED + "&appId=" + PUMPING_APP);
            assertThat(page.inputValue("#f-prefix")).isEqualTo(PUMPED);
            assertThat(page.inputValue("#f-appId")).isEqualTo(PUMPING_APP);
            assertThat(page.locator("#results td:nth-child(5)").allTextContents()).isNotEmpty()
                    .allMatch(p -> p.strip().equals(PUMPED));
            assertThat(page.locator("#results td:nth-child(8)").allTextContents()).isNotEmpty()
                    .allMatch(app -> app.strip().equals(PUMPING_APP));
            assertThat(page.locator("#results .badge.approved").count()).isZero();
            shot(page, "attempts-app");

            // blocked in the Rules form (its CSRF token comes with the form)
            page.click("header nav a:text-is('Rules')");
            page.waitForURL("**/console/rules");
            page.selectOption("#r-action", "block");
            page.selectOption("#r-mode", "enforce");
            page.selectOption("#r-field", "prefix");
            page.fill("#r-value", PUMPED);
            page.fill("#r-reason", "pumping from " + PUMPING_APP);
            page.click("#add-rule button[type=submit]");
            page.waitForSelector("#rules td:has-text('prefix = " + PUMPED + "')");
            String rule = "rule:" + page.locator("#rules tr[data-rule]",
                    new Page.LocatorOptions().setHasText("prefix = " + PUMPED)).getAttribute("data-rule");
            assertThat(page.textContent("#audit")).contains("console:fraud");
            shot(page, "rules");

            // the next start into the range is refused: at once by the replica the console runs on, within about a
            // second by the other (it refreshes its rules every 250 ms; each probe is itself a whole start)
            start(a, "+" + PUMPED + "900", PUMPING_APP, "203.0.113.9").then().statusCode(403)
                    .body("code", equalTo("destination_not_allowed")).body("rule", equalTo(rule));
            AtomicInteger probe = new AtomicInteger(900);
            await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                    start(b, "+" + PUMPED + probe.incrementAndGet(), PUMPING_APP, "203.0.113.9").then().statusCode(403)
                            .body("code", equalTo("destination_not_allowed")).body("rule", equalTo(rule)));
            // other ranges are not affected
            start(b, phone("79161230"), "shop-ios", "192.0.2.99").then().statusCode(201);

            // the recorded sign-up: its call's SunSim record, and the recording played through the console's route
            page.navigate("/console/verifications/" + recorded);
            String recordId = sunsim.rows().stream().map(SunSimEmulator.Row::recordId)
                    .filter(java.util.Objects::nonNull).findFirst().orElseThrow();
            assertThat(page.textContent("#calls")).contains("sunsim").contains("callRecordId").contains(recordId);
            Locator audio = page.locator("#calls audio");
            assertThat(audio.count()).isEqualTo(1);
            String callRef = audio.getAttribute("data-call");
            assertThat(callRef).startsWith(recorded + ".");
            assertThat(audio.getAttribute("src")).isEqualTo("/console/calls/" + callRef + "/recording");
            assertThat(page.content()).doesNotContain(sunsim.url()).doesNotContain("getcallrecordfile");
            // the console's route streams the provider's file as it is (the emulator serves the fixture)
            int served = sunsim.recordFiles();
            // (fetched by the page itself: Playwright's own request client keeps the console's Secure cookie to
            // https and localhost, and the replicas are reached at 127.0.0.1)
            @SuppressWarnings("unchecked")
            Map<String, Object> fetched = (Map<String, Object>) page.evaluate("""
                    async src => {
                      const r = await fetch(src);
                      const bytes = Array.from(new Uint8Array(await r.arrayBuffer()));
                      return {status: r.status, type: r.headers.get('content-type'), bytes: bytes};
                    }""", audio.getAttribute("src"));
            assertThat(((Number) fetched.get("status")).intValue()).isEqualTo(200);
            assertThat((String) fetched.get("type")).startsWith("audio/mpeg");
            List<?> bytes = (List<?>) fetched.get("bytes");
            byte[] body = new byte[bytes.size()];
            for (int i = 0; i < body.length; i++) {
                body[i] = (byte) ((Number) bytes.get(i)).intValue();
            }
            assertThat(body).isEqualTo(Mp3Fixture.bytes());
            assertThat(sunsim.recordFiles()).as("getcallrecordfile served by the emulator").isEqualTo(served + 1);
            // and the browser's player loads it
            page.evaluate("() => document.querySelector('#calls audio').load()");
            page.waitForFunction("() => document.querySelector('#calls audio').readyState >= 1");
            assertThat(((Number) page.evaluate("() => document.querySelector('#calls audio').duration")).doubleValue())
                    .isCloseTo(fixtureSeconds(), within(0.03));
            assertThat(sunsim.recordFiles()).as("the player's load reached the emulator").isGreaterThan(served + 1);
            shot(page, "verification");
        }
    }
}
