package io.callauth.routing;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.callauth.attempts.AttemptIngester;
import io.callauth.common.MutableClock;
import io.callauth.provider.CallProvider;
import io.callauth.provider.ProvidersConfig;
import io.callauth.provider.Tracking;
import io.callauth.provider.callpass.CallPassEmulator;
import io.callauth.provider.callpass.CallPassEmulatorResource;
import io.callauth.provider.chain.CallTracker;
import io.callauth.provider.chain.ProviderChain;
import io.callauth.provider.chain.RouteOrder;
import io.callauth.verification.Api;
import io.callauth.verification.FallbackProfile;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * Routing against the real app: CallPass (emulated) delivers 20 % of its calls to one prefix, the figures move that
 * prefix's starts to the next provider (the sandbox) and, once the bad figures have aged out, back; the decision is
 * in the records; two replicas choose alike; the figures are in Redis, so another worker carries on.
 */
@QuarkusTest
@TestProfile(FallbackProfile.class)
@QuarkusTestResource(CallPassEmulatorResource.class)
class RoutingTest {

    @Inject
    MutableClock clock;
    @Inject
    CallTracker tracker;
    @Inject
    RoutingFigures figures;
    @Inject
    RoutingTable table;
    @Inject
    FigureStore store;
    @Inject
    RoutingConfig config;
    @Inject
    ProvidersConfig providersConfig;
    @Inject
    ProviderChain chain;
    @Inject
    ProviderCosts allConfig;
    @Inject
    ObjectMapper json;
    @Inject
    Vertx vertx;
    @Inject
    AttemptIngester ingester;
    @Inject
    RedisDataSource redis;

    CallPassEmulator callpass;
    /** this test's own destination group: +7 916 has no carrier in the data, so the group is the 5-digit prefix */
    String prefix;

    @BeforeEach
    void setUp() {
        callpass = CallPassEmulatorResource.emulator();
        callpass.reset();
        Tracking.drainEverything(tracker, clock);
        prefix = "7916" + (5 + ThreadLocalRandom.current().nextInt(5)); // 79165..79169: not Api.newPhone's 79160
        redis.key().del(FigureStore.key("RU/+" + prefix, "fig"), FigureStore.key("RU/+" + prefix, "seen"));
    }

    @AfterEach
    void tearDown() {
        callpass.reset();
        clock.reset();
        table.useRandom(null);
        table.overrideExplore(null);
        // no figures of this test steer another's calls
        redis.key().del(FigureStore.key("RU/+" + prefix, "fig"), FigureStore.SUMMARY);
        table.refresh().await().indefinitely();
    }

    private String phone() {
        return "+" + prefix + String.format("%06d", ThreadLocalRandom.current().nextInt(1_000_000));
    }

    private String group() {
        return "RU/+" + prefix;
    }

    /** verifications of this test not yet approved: id -> phone */
    final Map<String, String> ids = new java.util.LinkedHashMap<>();

    /**
     * starts n verifications to the prefix, lets their calls end (CallPass's polled, the sandbox's delivered) and
     * approves each whose call was delivered, as its user would
     */
    private void traffic(int n, String expectedFirst) {
        for (int i = 0; i < n; i++) {
            String p = phone();
            ids.put(Api.start(p).statusCode(201).body("provider", equalTo(expectedFirst)).extract().path("id"), p);
        }
        Tracking.run(tracker, clock, Duration.ofSeconds(12), Duration.ofSeconds(2));
        approveDelivered();
    }

    private void approveDelivered() {
        for (Map.Entry<String, String> e : ids.entrySet()) {
            Map<String, Object> v = Api.view(e.getKey());
            if (!"delivered".equals(v.get("callStatus"))) {
                continue;
            }
            String code = "sandbox".equals(v.get("provider")) ? Api.sandboxCode(e.getValue())
                    : callpass.lastCallTo(e.getValue()).code(4);
            Api.check(e.getKey(), code).statusCode(200).body("status", equalTo("approved"));
        }
        ids.clear();
    }

    private void refresh() {
        figures.runOnce();
        table.refresh().await().indefinitely();
    }

    @Test
    void underDeliveryMovesTheGroupAwayAndBack() {
        callpass.underDeliver(prefix, 0.2);
        traffic(30, "callpass");
        refresh();
        GroupFigures g = table.summary().groups().stream().filter(x -> x.group().equals(group())).findFirst()
                .orElseThrow();
        ProviderFigures cp = g.of("callpass");
        assertThat(cp.placed()).isEqualTo(30);
        assertThat(cp.delivered()).isEqualTo(6);
        assertThat(cp.medianSecondsToDeliver()).isNotNull();
        // approvals count for the provider whose call was delivered
        assertThat(cp.approved()).isEqualTo(6);
        assertThat(g.of("sandbox").approved()).isEqualTo(24);
        // every call CallPass missed fell back to the sandbox, which delivered it
        assertThat(g.of("sandbox").placed()).isEqualTo(24);
        assertThat(g.of("sandbox").delivered()).isEqualTo(24);

        // the next start goes to the sandbox first, other groups stay on the chain's order
        String id = Api.start(phone()).statusCode(201).body("provider", equalTo("sandbox")).extract().path("id");
        Api.start(Api.newPhone()).statusCode(201).body("provider", equalTo("callpass"));
        Map<String, Object> routing = Api.as(Api.FRAUD_KEY).get("/v1/routing").then().statusCode(200)
                .extract().jsonPath().getMap("groups.find { it.group == '" + group() + "' }");
        assertThat(routing.get("order")).isEqualTo(List.of("sandbox", "callpass"));
        assertThat(routing.get("reason")).isEqualTo("cost_per_approval");

        // the decision and its figures are in the started and call_placed records
        assertThat(ingester.runOwn().failed()).isFalse();
        List<Map<String, Object>> records = Api.as(Api.FRAUD_KEY).queryParam("verificationId", id).get("/v1/attempts")
                .then().statusCode(200).extract().jsonPath().getList("items");
        Map<String, Object> started = records.stream().filter(r -> "started".equals(r.get("type"))).findFirst()
                .orElseThrow();
        @SuppressWarnings("unchecked")
        Map<String, Object> detail = (Map<String, Object>) started.get("detail");
        assertThat(detail).containsEntry("group", group()).containsEntry("order", List.of("sandbox", "callpass"))
                .containsEntry("reason", "cost_per_approval");
        assertThat(records).anySatisfy(r -> {
            assertThat(r.get("type")).isEqualTo("call_placed");
            assertThat(r.get("detail")).isEqualTo(detail);
        });

        // CallPass is not tried while the sandbox is first; its bad figures age out (half-life 2 min) and the group
        // has too little recent data to leave the chain's order: back to CallPass
        Tracking.run(tracker, clock, Duration.ofSeconds(12), Duration.ofSeconds(2));
        clock.advance(Duration.ofMinutes(30));
        refresh();
        callpass.underDeliver(prefix, 1);
        Api.start(phone()).statusCode(201).body("provider", equalTo("callpass"));
    }

    @Test
    void recoveryIsFoundByExploration() {
        callpass.underDeliver(prefix, 0.2);
        traffic(30, "callpass");
        refresh();
        Api.start(phone()).statusCode(201).body("provider", equalTo("sandbox"));
        // CallPass recovers. Exploration (every start here; 5 % in production) gives it first calls again, saying why
        callpass.underDeliver(prefix, 1);
        table.overrideExplore(1.0);
        String explored = null;
        for (int i = 0; i < 40; i++) {
            String p = phone();
            explored = Api.start(p).statusCode(201).body("provider", equalTo("callpass")).extract().path("id");
            ids.put(explored, p);
        }
        table.overrideExplore(null);
        Tracking.run(tracker, clock, Duration.ofSeconds(12), Duration.ofSeconds(2));
        approveDelivered();
        assertThat(ingester.runOwn().failed()).isFalse();
        List<Map<String, Object>> records = Api.as(Api.FRAUD_KEY).queryParam("verificationId", explored)
                .queryParam("type", "started").get("/v1/attempts").then().statusCode(200).extract().jsonPath()
                .getList("items");
        assertThat(records).singleElement().satisfies(r -> assertThat(((Map<?, ?>) r.get("detail")).get("reason"))
                .isEqualTo("explore"));
        // the explored calls were delivered and approved: CallPass, the cheaper one, wins the group back on its
        // figures (not for lack of data) while its bad minutes still count
        clock.advance(Duration.ofMinutes(2));
        refresh();
        RoutingTable priced = new RoutingTable(store, new Priced(config), providersConfig, allConfig, json, vertx);
        priced.refresh().await().indefinitely();
        GroupFigures g = priced.summary().groups().stream().filter(x -> x.group().equals(group())).findFirst()
                .orElseThrow();
        RoutePlanner.Plan plan = priced.planFor(g, List.of("callpass", "sandbox"));
        assertThat(plan.reason()).isEqualTo(RoutePlanner.Reason.COST_PER_APPROVAL);
        assertThat(plan.order()).containsExactly("callpass", "sandbox");
        assertThat(priced.order(chain.providers(), phone(), "RU", RouteOrder.Purpose.START, null).first().name())
                .isEqualTo("callpass");
    }

    @Test
    void twoReplicasChooseAlikeAndTheFiguresOutliveTheirWorker() {
        callpass.underDeliver(prefix, 0.2);
        traffic(30, "callpass");
        // a worker that is not this replica's own consumer counts them (this replica's worker is gone)
        FigureSummary built = figures.runAs("other-worker-" + prefix, Duration.ofSeconds(30));
        assertThat(built.groups()).anySatisfy(g -> assertThat(g.group()).isEqualTo(group()));
        // a batch handed twice counts once
        FigureStore.Change c = new FigureStore.Change("dup-" + prefix, 'P', clock.millis() / 60_000, "callpass", null,
                clock.millis());
        assertThat(store.apply(group(), List.of(c)).await().indefinitely()).isEqualTo(1);
        assertThat(store.apply(group(), List.of(c)).await().indefinitely()).isZero();

        // two replicas (two tables reading the one summary) order every group alike
        table.refresh().await().indefinitely();
        RoutingTable other = new RoutingTable(store, config, providersConfig, allConfig, json, vertx);
        other.refresh().await().indefinitely();
        assertThat(other.summary()).isEqualTo(table.summary());
        for (int i = 0; i < 20; i++) {
            String p = i % 2 == 0 ? phone() : Api.newPhone();
            List<CallProvider> candidates = chain.providers();
            RouteOrder.Route a = table.order(candidates, p, "RU", RouteOrder.Purpose.START, null);
            RouteOrder.Route b = other.order(candidates, p, "RU", RouteOrder.Purpose.START, null);
            assertThat(b.providers()).isEqualTo(a.providers());
            assertThat(b.detail()).isEqualTo(a.detail());
        }
        assertThat(table.order(chain.providers(), phone(), "RU", RouteOrder.Purpose.START, null).first().name())
                .isEqualTo("sandbox");
    }

    @Test
    void staticModeKeepsTheChainOrder() {
        callpass.underDeliver(prefix, 0.2);
        traffic(30, "callpass");
        refresh();
        RoutingTable fixed = new RoutingTable(store, new Static(config), providersConfig, allConfig, json, vertx);
        fixed.refresh().await().indefinitely();
        RouteOrder.Route r = fixed.order(chain.providers(), phone(), "RU", RouteOrder.Purpose.START, null);
        assertThat(r.providers()).extracting(CallProvider::name).containsExactly("callpass", "sandbox");
        assertThat(r.detail()).isNull();
        // a resend: the chain after the previous call's provider, as before routing
        assertThat(fixed.order(chain.providers(), phone(), "RU", RouteOrder.Purpose.RESEND, "callpass").providers())
                .extracting(CallProvider::name).containsExactly("sandbox", "callpass");
        assertThat(fixed.order(chain.candidates(null, null, Set.of("callpass"), false), phone(), "RU",
                RouteOrder.Purpose.FALLBACK, null).providers()).extracting(CallProvider::name).containsExactly("sandbox");
    }

    /** the configuration with another mode or share (a second replica configured otherwise) */
    record Static(RoutingConfig c) implements RoutingConfigDelegate {
        @Override
        public RoutingMode mode() {
            return RoutingMode.STATIC;
        }
    }

    /** CallPass cheaper than the sandbox, as CallPass is cheaper than Yunhu */
    record Priced(RoutingConfig c) implements RoutingConfigDelegate {
        @Override
        public java.util.Optional<List<String>> costOverrides() {
            return java.util.Optional.of(List.of("callpass:RU=0.4", "sandbox:RU=0.6"));
        }
    }
}
