package io.callauth.it;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import io.callauth.common.EmbeddedRedisConfigSource;
import io.callauth.provider.callpass.CallPassEmulator;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 22's "done when" on the packaged app: two replicas (prod profile, env only, both api and worker) on one Redis
 * and one PostgreSQL, calls placed through the CallPass emulator, the automatic defence enforcing (its default).
 * <ul>
 *   <li>A scripted burst (10 starts a second into one fresh range, each from its own address and device, through
 *   replica A) is blocked by itself, with at most 20 calls placed, and the other replica refuses the range within
 *   about 2 s; ordinary sign-ups running beside it (varied ranges, addresses, devices, two apps; five in six approved
 *   with their call's code on the other replica) all get their 201, and nothing they carry is auto-blocked.</li>
 *   <li>An analyst signed into replica B's console with a fraud key sees the block with its evidence on the Defence
 *   page, releases it, sees it released, and a start into the range passes again on both replicas.</li>
 *   <li>A worker killed mid-window: a third replica takes the first starts of a second burst and is SIGKILLed; the
 *   burst goes on through A and the range is blocked once (one auto-block, level 1), every start counted once.</li>
 * </ul>
 * The class has its own Redis database (its windows, rules and blocks are nobody else's) and its own ranges per run,
 * so its two tests pass in any order. Screenshots in target/screenshots/it-defence*.png.
 */
class DefenceIT {

    /** its own Redis database (ChainIT has 1, ArchiveIT 2, ConsoleIT 3, RolesIT 4, RoutingIT 5) */
    static final String DB = "6";
    static final String VERIFY = "Bearer dev-key-change-me";
    static final Path SHOTS = Paths.get("target", "screenshots");
    static final Duration STEP = Duration.ofMillis(100); // the attack: 10 starts a second
    /** the run's ranges: +7 958 1xxx and 2xxx are attacked, ordinary sign-ups go to 12 mobile codes' xxx4 ranges */
    static final int RUN = ThreadLocalRandom.current().nextInt(1000);
    static final String[] OPERATORS = {"903", "905", "906", "909", "925", "929", "950", "951", "962", "977", "985",
            "999"};
    static final AtomicInteger SEQ = new AtomicInteger();

    static CallPassEmulator callpass;
    static Map<String, String> env;
    static PackagedApp a;
    static PackagedApp b;
    static PackagedApp c;
    static Playwright playwright;
    static Browser browser;

    @BeforeAll
    static void boot() throws Exception {
        callpass = CallPassEmulator.start(ProdJarIT.TOKEN);
        env = ProdJarIT.env(EmbeddedRedisConfigSource.ensureStarted() + "/" + DB, callpass.url());
        env.put("CALLAUTH_API_KEYS", env.get("CALLAUTH_API_KEYS") + "," + ArchiveIT.FRAUD);
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
        PackagedApp.closeAll(browser, playwright, a, b, c, callpass);
    }

    // ------------------------------------------------------------------ traffic

    private static Response start(PackagedApp app, String phone, String ip, String device, String appId) {
        return RestAssured.given().baseUri(app.url()).header("Authorization", VERIFY).contentType(ContentType.JSON)
                .body(Map.of("phone", phone, "context", Map.of("ip", ip, "deviceId", device, "appId", appId)))
                .post("/v1/verifications");
    }

    /** waits until {@code at} (System.nanoTime()): the pace of scripted traffic */
    private static void until(long at) {
        long wait = at - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(Duration.ofNanos(wait));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static long calls(String range) {
        return callpass.calls().stream().filter(x -> x.dn().startsWith(range)).count();
    }

    /**
     * The attack: starts into one range at 10 a second, each a fresh number from a fresh address (its own /24) and
     * device, so no static limit and no other dimension gives it away, until the first refusal.
     */
    static final class Attack {
        final String range;
        /** System.nanoTime() of the first start, and of the last one sent */
        long began;
        long last;
        int placed;
        String rule;
        Duration blockedAfter;
        String firstId;
        String firstPhone;

        Attack(String range) {
            this.range = range;
        }

        Response one(PackagedApp app) {
            int n = SEQ.incrementAndGet();
            String phone = "+" + range + String.format("%03d", (n * 37) % 1000);
            Response r = start(app, phone, "10.45." + (n % 250) + "." + (n / 250 + 1), "bot-" + RUN + "-" + n,
                    "shop-web");
            if (r.statusCode() == 201) {
                placed++;
                if (firstId == null) {
                    firstId = r.path("id");
                    firstPhone = phone;
                }
            }
            return r;
        }

        /** at most {@code n} more starts through {@code app}, stopping at the first refusal; whether it came */
        boolean send(PackagedApp app, int n) {
            for (int i = 0; i < n && rule == null; i++) {
                if (began == 0) {
                    began = System.nanoTime();
                } else {
                    until(last + STEP.toNanos());
                }
                last = System.nanoTime();
                Response r = one(app);
                if (r.statusCode() != 201) {
                    assertThat(r.statusCode()).as(r.asString()).isEqualTo(403);
                    assertThat(r.<String>path("code")).isEqualTo("destination_not_allowed");
                    rule = r.path("rule");
                    blockedAfter = Duration.ofNanos(System.nanoTime() - began);
                }
            }
            return rule != null;
        }
    }

    /**
     * Ordinary sign-ups beside the attack, about two a second, alternating replicas: each into one of 12 ranges
     * (numbers far apart), from its own /24 and device, from one of two apps; five in six approved on the other
     * replica with the code of their call. Runs until told to stop (at least 20 sign-ups, at most 150).
     */
    static final class Ordinary implements java.util.concurrent.Callable<Ordinary> {
        final long began = System.nanoTime();
        final AtomicBoolean stop = new AtomicBoolean();
        final CountDownLatch warm = new CountDownLatch(4);
        final List<String> refused = new ArrayList<>();
        final List<Long> startedAt = new ArrayList<>();
        final AtomicInteger started = new AtomicInteger();
        final Set<String> values = new HashSet<>(Set.of("RU", "shop-ios", "shop-android"));
        int created;
        int approved;

        static String range(int i) {
            return "7" + OPERATORS[i % OPERATORS.length] + "4" + String.format("%03d", RUN);
        }

        @Override
        public Ordinary call() {
            for (int i = 0; i < 150 && !(stop.get() && i >= 20); i++, warm.countDown()) {
                until(began + Duration.ofMillis(450).toNanos() * i);
                PackagedApp via = i % 2 == 0 ? a : b;
                String range = range(i);
                String phone = "+" + range + String.format("%03d", (i * 389 + 11) % 1000);
                String network = "100.64." + (i % 250);
                String device = "phone-" + RUN + "-" + i;
                values.addAll(List.of(range, network + ".0/24", device));
                startedAt.add(System.nanoTime());
                started.incrementAndGet();
                Response r = start(via, phone, network + ".23", device, i % 3 == 0 ? "shop-android" : "shop-ios");
                if (r.statusCode() != 201) {
                    refused.add(r.statusCode() + " " + r.asString());
                    continue;
                }
                created++;
                if (i % 6 != 5) {
                    String code = callpass.lastCallTo(phone).code(4);
                    Response check = RestAssured.given().baseUri((via == a ? b : a).url())
                            .header("Authorization", VERIFY).contentType(ContentType.JSON).body(Map.of("code", code))
                            .post("/v1/verifications/" + r.<String>path("id") + "/check");
                    if (check.statusCode() == 200 && Boolean.TRUE.equals(check.path("valid"))) {
                        approved++;
                    }
                }
            }
            return this;
        }
    }

    /**
     * The other replica refuses the range too: rules reach every replica within a refresh interval (250 ms); 2 s
     * because each probe is a whole start on a loaded 2-core machine.
     */
    private static void awaitRefusedBy(PackagedApp app, Attack attack) {
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50)).pollInSameThread()
                .untilAsserted(() -> assertThat(attack.one(app).<String>path("rule")).isEqualTo(attack.rule));
    }

    // ------------------------------------------------------------------ the defence, as the fraud team reads it

    private static JsonPath defence(PackagedApp app) {
        return RestAssured.given().baseUri(app.url()).header("Authorization", "Bearer fraud-key").get("/v1/defence")
                .then().statusCode(200).extract().jsonPath();
    }

    private static List<Map<String, Object>> blocksOf(PackagedApp app, String value) {
        List<Map<String, Object>> all = defence(app).getList("blocks");
        return all.stream().filter(m -> value.equals(m.get("value"))).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> evidence(Map<String, Object> block) {
        return (Map<String, Object>) block.get("evidence");
    }

    private static void shot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("it-defence" + name + ".png"))
                .setFullPage(true));
    }

    // ------------------------------------------------------------------ the journeys

    @Test
    void aBurstBesideOrdinaryTrafficIsBlockedByItselfAndReleasedFromTheConsole() throws Exception {
        String range = "79581" + String.format("%03d", RUN);
        Ordinary ordinary = new Ordinary();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Attack attack = new Attack(range);
        Duration otherRefused;
        try {
            Future<Ordinary> running = pool.submit(ordinary);
            assertThat(ordinary.warm.await(60, TimeUnit.SECONDS)).as("ordinary traffic under way").isTrue();

            // the burst through A, blocked by itself within 30 s
            assertThat(attack.send(a, 300)).as("the burst was blocked").isTrue();
            long blockedAt = System.nanoTime();
            assertThat(attack.rule).startsWith("rule:rl_");
            awaitRefusedBy(b, attack);
            otherRefused = Duration.ofNanos(System.nanoTime() - blockedAt);
            // ordinary traffic goes on after the block (a block too wide would refuse it now): six more sign-ups
            int then = ordinary.started.get();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> running.isDone() || ordinary.started.get() >= then + 6);
            ordinary.stop.set(true);
            running.get(90, TimeUnit.SECONDS);
        } finally {
            ordinary.stop.set(true);
            pool.shutdownNow();
        }
        System.out.printf("DefenceIT burst: %d starts placed, blocked after %d ms; other replica refused %d ms "
                        + "later; ordinary: %d started, %d created, %d approved, %d refused%n", attack.placed,
                attack.blockedAfter.toMillis(), otherRefused.toMillis(), ordinary.startedAt.size(), ordinary.created,
                ordinary.approved, ordinary.refused.size());
        assertThat(attack.blockedAfter).isLessThan(Duration.ofSeconds(30));
        assertThat(calls(range)).as("calls placed into the attacked range").isBetween(5L, 20L)
                .isEqualTo(attack.placed);

        // every ordinary start got its 201, before and after the block, and was approved when its user checked
        assertThat(ordinary.refused).as("ordinary starts refused").isEmpty();
        assertThat(ordinary.created).isEqualTo(ordinary.startedAt.size()).isGreaterThanOrEqualTo(20);
        assertThat(ordinary.approved).isEqualTo(ordinary.created - ordinary.created / 6);
        long blockedNanos = attack.began + attack.blockedAfter.toNanos();
        assertThat(ordinary.startedAt).anyMatch(t -> t < attack.began).anyMatch(t -> t > blockedNanos);

        // one block, the burst's, on both replicas; nothing the ordinary traffic carries is blocked
        String ruleId = attack.rule.substring("rule:".length());
        for (PackagedApp app : List.of(a, b)) {
            assertThat(blocksOf(app, range)).singleElement().satisfies(m -> {
                assertThat(m.get("ruleId")).isEqualTo(ruleId);
                assertThat(m.get("dimension")).isEqualTo("range");
                assertThat(m.get("mode")).isEqualTo("enforce");
                assertThat(evidence(m).get("signal")).isEqualTo("burst");
                assertThat(((Number) evidence(m).get("starts")).intValue()).isBetween(5, attack.placed);
            });
            List<Map<String, Object>> all = defence(app).getList("blocks");
            assertThat(all).as("blocks of what ordinary traffic carries")
                    .noneMatch(m -> ordinary.values.contains(String.valueOf(m.get("value"))));
        }
        Map<String, Object> block = blocksOf(a, range).get(0);
        System.out.println("DefenceIT burst evidence: " + evidence(block));

        // the analyst, in replica B's console: the block with its evidence, released by hand
        try (BrowserContext context = AnalystConsole.context(browser, b)) {
            Page page = AnalystConsole.signedIn(context, "fraud-key");
            page.click("header nav a[data-nav='defence']");
            page.waitForURL("**/console/defence");
            assertThat(page.textContent("#defence-mode")).isEqualTo("enforce");
            String row = "#active-blocks tr[data-block='" + ruleId + "']";
            assertThat(page.textContent(row)).contains("range = " + range).contains("burst")
                    .contains("starts: " + evidence(block).get("starts")).contains("approved: 0")
                    .contains("neverSeenShare: 1.0").contains("windowSeconds: 60");
            assertThat(page.textContent("#hottest tr[data-range='" + range + "']")).contains("+" + range);
            shot(page, "");

            page.click(row + " button[value='0']"); // Release
            page.waitForSelector("#recent-blocks tr[data-block='" + ruleId + "']");
            assertThat(page.textContent("#recent-blocks tr[data-block='" + ruleId + "']"))
                    .contains("range = " + range).contains("released by console:fraud");
            assertThat(page.locator(row).count()).isZero();
            shot(page, "-released");
        }
        assertThat(blocksOf(a, range)).singleElement().satisfies(m -> {
            assertThat(m.get("releasedBy")).isEqualTo("console:fraud");
            assertThat(m.get("releasedAt")).isNotNull();
        });
        // the range is let through again, on both replicas (the defence leaves it alone after a release)
        for (PackagedApp app : List.of(b, a)) {
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).pollInSameThread()
                    .untilAsserted(() -> assertThat(attack.one(app).statusCode()).isEqualTo(201));
        }
    }

    @Test
    void aReplicaKilledMidBurstNeitherForgetsTheBlockNorDoublesIt() throws Exception {
        String range = "79582" + String.format("%03d", RUN);
        c = PackagedApp.start(env).awaitReady();
        Attack attack = new Attack(range);
        // the first starts through C, below the burst threshold (5 in a minute), then C is killed
        assertThat(attack.send(c, 3)).isFalse();
        c.process.destroyForcibly().waitFor();
        long killed = System.nanoTime();
        assertThat(attack.send(a, 297)).as("the burst was blocked after the kill").isTrue();
        System.out.printf("DefenceIT kill: %d starts placed (3 through the killed replica), blocked %d ms after the "
                        + "first start, %d ms after the kill%n", attack.placed, attack.blockedAfter.toMillis(),
                (attack.began + attack.blockedAfter.toNanos() - killed) / 1_000_000);
        assertThat(attack.blockedAfter).isLessThan(Duration.ofSeconds(30));
        awaitRefusedBy(b, attack);
        assertThat(calls(range)).as("calls placed into the attacked range").isBetween(5L, 20L)
                .isEqualTo(attack.placed);

        // blocked once: one block, the first level, the rule that refused
        for (PackagedApp app : List.of(a, b)) {
            assertThat(blocksOf(app, range)).singleElement().satisfies(m -> {
                assertThat(m.get("ruleId")).isEqualTo(attack.rule.substring("rule:".length()));
                assertThat(m.get("level")).isEqualTo(1);
                System.out.println("DefenceIT kill evidence: " + evidence(m));
                assertThat(m.get("releasedAt")).isNull();
                assertThat(evidence(m).get("signal")).isEqualTo("burst");
            });
        }
        // and every start counted once, the killed replica's too (entries it held are claimed after 10 s): an
        // approval touches the range's windows once more, so the hottest ranges show the final counts
        RestAssured.given().baseUri(a.url()).header("Authorization", VERIFY).contentType(ContentType.JSON)
                .body(Map.of("code", callpass.lastCallTo(attack.firstPhone).code(4)))
                .post("/v1/verifications/" + attack.firstId + "/check").then().statusCode(200);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            List<Map<String, Object>> hot = defence(b).getList("hottest");
            assertThat(hot).filteredOn(m -> range.equals(m.get("value"))).singleElement().satisfies(m -> {
                assertThat(((Number) m.get("starts")).intValue()).isEqualTo(attack.placed);
                assertThat(((Number) m.get("approved")).intValue()).isEqualTo(1);
            });
        });
        assertThat(blocksOf(b, range)).hasSize(1);
    }
}
