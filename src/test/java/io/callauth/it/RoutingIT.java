package io.callauth.it;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import io.callauth.common.EmbeddedRedisConfigSource;
import io.callauth.provider.callpass.CallPassEmulator;
import io.callauth.provider.yunhu.YunhuEmulator;
import io.restassured.RestAssured;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 23's "done when" on the packaged app: two replicas (prod profile, env only) on one Redis, the chain CallPass
 * (0.40 a call) then Yunhu (0.60), calls placed through both wire emulators, and sign-ups at a steady pace into two
 * carriers (Beeline +7 903, MegaFon +7 926), each delivered call approved with its code. The routing settings are
 * shortened for a test-sized run through the environment alone and fixed from the start: nothing is reconfigured
 * while it runs. Healthy, both carriers go to CallPass first (the cheaper); when CallPass reaches only a fifth of
 * Beeline's numbers, Beeline's starts move to Yunhu on both replicas while MegaFon's stay on CallPass; when CallPass
 * delivers again, the explored calls measure it and Beeline's starts come back. {@code GET /v1/routing} names the
 * move, and the console's Routing page shows why (Beeline's order, CallPass's measured delivery, each order's cost
 * per approval). Screenshots: target/screenshots/it-routing-*.png; the figures seen: target/routing-it.txt.
 */
class RoutingIT {

    /** its own Redis database (ChainIT has 1, ArchiveIT 2, ConsoleIT 3, RolesIT 4) */
    static final String DB = "5";
    static final String CALLBACK_SECRET = "yh-callback-secret-routing";
    static final Path SHOTS = Paths.get("target", "screenshots");
    static final int STARTS_PER_SECOND = 4;
    /** at most this share of a carrier's starts go first to another provider than its best (callauth.routing.explore) */
    static final double EXPLORE = 0.1;
    static final String BEELINE = "RU/Beeline";
    static final String MEGAFON = "RU/MegaFon";

    static CallPassEmulator callpass;
    static YunhuEmulator yunhu;
    static PackagedApp a;
    static PackagedApp b;
    static RoutingTraffic traffic;
    static Playwright playwright;
    static Browser browser;

    @BeforeAll
    static void boot() throws Exception {
        callpass = CallPassEmulator.start(ProdJarIT.TOKEN);
        yunhu = YunhuEmulator.start("yh-app", "yh-key", Set.of("7003"), Set.of("2190245566", "2190241234"));
        Map<String, String> env = ProdJarIT.env(EmbeddedRedisConfigSource.ensureStarted() + "/" + DB, callpass.url());
        env.put("CALLAUTH_API_KEYS", env.get("CALLAUTH_API_KEYS") + "," + ArchiveIT.FRAUD);
        env.put("CALLAUTH_PROVIDERS_CHAIN", "callpass,yunhu");
        env.put("CALLAUTH_PROVIDERS_CALLPASS_COST", "0.40");
        ProdJarIT.yunhu(env, yunhu.url(), CALLBACK_SECRET, "2190245566", "2190241234");
        env.put("CALLAUTH_PROVIDERS_YUNHU_COST", "0.60");
        // routing sized for a run of a minute or two instead of hours (mode: adaptive, the default): 2 s buckets, a
        // half-life of 8 s, a group decides from 10 weighted calls, a prior of 2 calls, and a tenth of the starts
        // explore (so a recovered CallPass is measured within seconds)
        env.put("CALLAUTH_ROUTING_BUCKET", "2S");
        env.put("CALLAUTH_ROUTING_HALF_LIFE", "8S");
        env.put("CALLAUTH_ROUTING_MIN_CALLS", "10");
        env.put("CALLAUTH_ROUTING_PRIOR_CALLS", "2");
        env.put("CALLAUTH_ROUTING_EXPLORE", Double.toString(EXPLORE));
        // CallPass's outcome known within about 2 s (two polls a second apart) instead of 4
        env.put("CALLAUTH_TRACKING_POLL_INTERVAL", "1S");
        // the sign-ups all come from this machine, two a second into each carrier: the static limits per address and
        // range, and the automatic defence (DefenceIT), are not what this test is about
        env.put("CALLAUTH_RATE_LIMITS_IP", "off");
        env.put("CALLAUTH_RATE_LIMITS_PREFIX", "off");
        env.put("CALLAUTH_RATE_LIMITS_CHECK_IP", "off");
        env.put("CALLAUTH_DEFENCE_MODE", "off");
        a = PackagedApp.start(env);
        b = PackagedApp.start(env);
        yunhu.callbacksTo(a.url() + "/callbacks/yunhu/" + CALLBACK_SECRET);
        a.awaitReady();
        b.awaitReady();
        traffic = new RoutingTraffic(List.of(a, b), callpass, yunhu);
        playwright = io.callauth.common.Chromium.playwright();
        browser = io.callauth.common.Chromium.launch(playwright);
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() throws Exception {
        PackagedApp.closeAll(traffic, browser, playwright, a, b, callpass, yunhu);
    }

    // ------------------------------------------------------------------ GET /v1/routing

    /** a destination group as {@code GET /v1/routing} on {@code app} shows it; null when it has no figures yet */
    @SuppressWarnings("unchecked")
    static Map<String, Object> group(PackagedApp app, String group) {
        List<Map<String, Object>> groups = RestAssured.given().baseUri(app.url()).header("Authorization", "Bearer fraud-key")
                .get("/v1/routing").then().statusCode(200).extract().jsonPath().getList("groups");
        return groups.stream().filter(g -> group.equals(g.get("group"))).findFirst().orElse(null);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> provider(Map<String, Object> group, String provider) {
        return ((List<Map<String, Object>>) group.get("providers")).stream()
                .filter(p -> provider.equals(p.get("provider"))).findFirst().orElseThrow();
    }

    static double number(Map<String, Object> m, String field) {
        return ((Number) m.get(field)).doubleValue();
    }

    /** both replicas order the group {@code order}, by its cost per approval (they read the same figures) */
    static void ordered(String group, String... order) {
        for (PackagedApp app : List.of(a, b)) {
            Map<String, Object> g = group(app, group);
            assertThat(g).as("%s on %s", group, app.url()).isNotNull();
            assertThat(g.get("order")).as("%s's order on %s", group, app.url()).isEqualTo(List.of(order));
            assertThat(g.get("reason")).isEqualTo("cost_per_approval");
        }
    }

    /** the API names the move: Yunhu first for Beeline, because CallPass's delivery fell and its cost per approval rose */
    static Map<String, Object> movedInTheApi() {
        ordered(BEELINE, "yunhu", "callpass");
        ordered(MEGAFON, "callpass", "yunhu");
        Map<String, Object> beeline = group(a, BEELINE);
        Map<String, Object> cp = provider(beeline, "callpass");
        Map<String, Object> yh = provider(beeline, "yunhu");
        assertThat(number(cp, "deliveryRate")).as("CallPass's measured delivery to Beeline").isLessThan(0.7)
                .isLessThan(number(yh, "deliveryRate"));
        assertThat(number(cp, "expectedCostPerApproval")).isGreaterThan(number(yh, "expectedCostPerApproval"));
        assertThat(number(cp, "delivered")).isLessThan(number(cp, "placed"));
        assertThat(number(provider(group(a, MEGAFON), "callpass"), "deliveryRate")).isGreaterThan(0.85);
        return beeline;
    }

    // ------------------------------------------------------------------ the console

    /** the cell {@code cell} (its class) of a provider's row in a group on the Routing page */
    static Locator cell(Page page, String group, String provider, String cell) {
        return page.locator("tr.routing-row[data-group='" + group + "'][data-provider='" + provider + "'] td." + cell);
    }

    static double figure(Page page, String group, String provider, String cell) {
        return Double.parseDouble(cell(page, group, provider, cell).textContent().strip());
    }

    /** the Routing page shows Beeline's order and why: CallPass's delivery against Yunhu's, each order's cost */
    static void routingPageShows(Page page, String order, boolean callpassDegraded) {
        page.navigate("/console/routing");
        assertThat(page.textContent("#routing-mode")).isEqualTo("adaptive");
        // the group's first row carries its order and why (CallPass comes first in the chain, so its row)
        assertThat(cell(page, BEELINE, "callpass", "order").textContent()).isEqualTo(order);
        assertThat(cell(page, BEELINE, "callpass", "why").textContent()).isEqualTo("cost per approval");
        assertThat(cell(page, MEGAFON, "callpass", "order").textContent()).isEqualTo("callpass → yunhu");
        String first = order.substring(0, order.indexOf(' '));
        assertThat(cell(page, BEELINE, first, "provider").locator("strong").textContent()).isEqualTo(first);
        double cpDelivery = figure(page, BEELINE, "callpass", "delivery");
        double yhDelivery = figure(page, BEELINE, "yunhu", "delivery");
        double cpCost = figure(page, BEELINE, "callpass", "cpa");
        double yhCost = figure(page, BEELINE, "yunhu", "cpa");
        assertThat(figure(page, BEELINE, "callpass", "cost")).isEqualTo(0.4);
        assertThat(figure(page, BEELINE, "yunhu", "cost")).isEqualTo(0.6);
        if (callpassDegraded) {
            assertThat(cpDelivery).isLessThan(0.7).isLessThan(yhDelivery);
            assertThat(cpCost).isGreaterThan(yhCost);
            assertThat(Long.parseLong(cell(page, BEELINE, "callpass", "delivered").textContent()))
                    .isLessThan(Long.parseLong(cell(page, BEELINE, "callpass", "placed").textContent()));
        } else {
            assertThat(cpDelivery).isGreaterThan(0.7);
            assertThat(cpCost).isLessThan(yhCost);
        }
    }

    /** every start answered 201, every check approved, every call delivered (Yunhu calls what CallPass did not) */
    static void trafficOk() {
        assertThat(traffic.failures()).as("starts refused, checks failed or calls never delivered").isEmpty();
    }

    static void shot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("it-routing-" + name + ".png"))
                .setFullPage(true));
    }

    // ------------------------------------------------------------------ the journey

    @Test
    void aCarriersDegradedDeliveryMovesItsTrafficToYunhuAndBackAndTheConsoleShowsWhy() throws Exception {
        long began = System.currentTimeMillis();
        traffic.begin(STARTS_PER_SECOND);

        // healthy: once each group has enough calls, CallPass (the cheaper, delivering) leads both, on both replicas
        await("healthy: CallPass first for both carriers").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500)).failFast("the traffic failed", RoutingIT::trafficOk).untilAsserted(() -> {
                    ordered(BEELINE, "callpass", "yunhu");
                    ordered(MEGAFON, "callpass", "yunhu");
                });
        long healthyFor = System.currentTimeMillis() - began;

        // CallPass reaches a fifth of Beeline's numbers (the others end USER_BUSY; Yunhu calls them as fallback)
        long drop = System.currentTimeMillis();
        callpass.underDeliver(RoutingTraffic.PREFIX.get("Beeline"), 0.2);
        // Beeline's recent starts (the last 20, ten through each replica) go first to Yunhu, on both replicas alike
        await("Beeline's starts move to Yunhu").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .failFast("the traffic failed", RoutingIT::trafficOk).until(() -> {
                    List<RoutingTraffic.Start> recent = traffic.last("Beeline", drop, 20);
                    return recent.size() == 20 && RoutingTraffic.share(recent, "yunhu") >= 0.8
                            && RoutingTraffic.share(recent, 0, "yunhu") >= 0.7
                            && RoutingTraffic.share(recent, 1, "yunhu") >= 0.7;
                });
        long moved = System.currentTimeMillis();
        double movedShare = RoutingTraffic.share(traffic.last("Beeline", drop, 20), "yunhu");
        // the API names the move (both replicas), and the console shows why
        AtomicReference<Map<String, Object>> beeline = new AtomicReference<>();
        await("GET /v1/routing names the move").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> beeline.set(movedInTheApi()));
        try (BrowserContext context = AnalystConsole.context(browser, a)) {
            Page page = AnalystConsole.signedIn(context, "fraud-key");
            page.click("header nav a:text-is('Routing')");
            page.waitForURL("**/console/routing");
            await("the Routing page shows why Beeline goes to Yunhu").atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(500)).pollInSameThread()
                    .untilAsserted(() -> routingPageShows(page, "yunhu → callpass", true));
            shot(page, "moved");

            // MegaFon's starts stayed on CallPass meanwhile (but for the explored ones)
            long recover = System.currentTimeMillis();
            List<RoutingTraffic.Start> megafon = traffic.since("MegaFon", drop);
            double megafonOnCallpass = RoutingTraffic.share(megafon, "callpass");
            assertThat(megafonOnCallpass).as("MegaFon's starts on CallPass while Beeline's were degraded")
                    .isGreaterThanOrEqualTo(0.75);

            // CallPass delivers to Beeline again: the explored calls measure it, and Beeline's starts come back
            callpass.underDeliver(RoutingTraffic.PREFIX.get("Beeline"), 1);
            await("Beeline's starts come back to CallPass").atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(250)).failFast("the traffic failed", RoutingIT::trafficOk).until(() -> {
                        List<RoutingTraffic.Start> recent = traffic.last("Beeline", recover, 20);
                        return recent.size() == 20 && RoutingTraffic.share(recent, "callpass") >= 0.8;
                    });
            long back = System.currentTimeMillis();
            double backShare = RoutingTraffic.share(traffic.last("Beeline", recover, 20), "callpass");
            await("GET /v1/routing names the way back").atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                        ordered(BEELINE, "callpass", "yunhu");
                        ordered(MEGAFON, "callpass", "yunhu");
                    });
            await("the Routing page shows CallPass back first").atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(500)).pollInSameThread()
                    .untilAsserted(() -> routingPageShows(page, "callpass → yunhu", false));
            shot(page, "recovered");

            trafficOk();
            assertThat(traffic.approved()).as("verifications approved").isGreaterThan(traffic.started() / 2);
            report(healthyFor, moved - drop, movedShare, back - recover, backShare, megafon.size(), megafonOnCallpass,
                    beeline.get(), began);
        }
    }

    /** the figures seen, for the record (target/routing-it.txt and the output) */
    private static void report(long healthyFor, long toMove, double movedShare, long toComeBack, double backShare,
                               int megafonStarts, double megafonOnCallpass, Map<String, Object> beeline, long began)
            throws Exception {
        List<String> lines = new ArrayList<>();
        lines.add(String.format("routing IT: %d starts at %d/s over %.0f s, %d approved", traffic.started(),
                STARTS_PER_SECOND, (System.currentTimeMillis() - began) / 1000.0, traffic.approved()));
        lines.add(String.format("healthy: CallPass first for both carriers on both replicas after %.1f s",
                healthyFor / 1000.0));
        lines.add(String.format("moved: %.0f%% of Beeline's last 20 starts first to Yunhu %.1f s after CallPass fell "
                + "to 20%%", movedShare * 100, toMove / 1000.0));
        lines.add(String.format("the move in GET /v1/routing: %s", beeline));
        lines.add(String.format("MegaFon meanwhile: %.0f%% of %d starts first to CallPass", megafonOnCallpass * 100,
                megafonStarts));
        lines.add(String.format("back: %.0f%% of Beeline's last 20 starts first to CallPass %.1f s after it recovered",
                backShare * 100, toComeBack / 1000.0));
        Files.write(Path.of("target", "routing-it.txt"), lines);
        lines.forEach(System.out::println);
    }
}
