package io.callauth.routing;

import io.callauth.common.MutableClock;
import io.callauth.provider.CallProvider;
import io.callauth.provider.ProvidersConfig;
import io.callauth.provider.callpass.CallPassEmulator;
import io.callauth.provider.callpass.CallPassEmulatorResource;
import io.callauth.provider.chain.CallTracker;
import io.callauth.provider.chain.ProviderChain;
import io.callauth.provider.chain.RouteOrder;
import io.callauth.provider.yunhu.YunhuEmulator;
import io.callauth.provider.yunhu.YunhuEmulatorResource;
import io.callauth.verification.Api;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * bench/routing (run by {@code bench/routing/run.sh}, never by {@code ./mvnw verify}): the app with the CallPass and
 * Yunhu wire emulators, 5 starts a second spread over three carriers (Beeline +7 903, MegaFon +7 926, Tele2 +7 900),
 * on the injected clock (compressed: simulated time runs as fast as the app serves; every start, poll, callback, check
 * and the figures' worker are real). 10 min healthy, then CallPass delivers 20 % of its calls to Beeline for 20 min,
 * then recovers for 20 min. Each verification whose call was delivered is approved, as its user would. Writes the
 * per-minute table and the goals to target/routing-bench.txt.
 */
@QuarkusTest
@TestProfile(RoutingBenchProfile.class)
@QuarkusTestResource(CallPassEmulatorResource.class)
@QuarkusTestResource(YunhuEmulatorResource.class)
@EnabledIfSystemProperty(named = "bench.routing", matches = "true")
class RoutingBench {

    static final List<String> CARRIERS = List.of("Beeline", "MegaFon", "Tele2");
    static final Map<String, String> PREFIX = Map.of("Beeline", "7903", "MegaFon", "7926", "Tele2", "7900");
    static final int HEALTHY_MIN = Integer.getInteger("bench.healthy", 10);
    static final int DROP_MIN = Integer.getInteger("bench.drop", 20);
    static final int RECOVERED_MIN = Integer.getInteger("bench.recovered", 20);
    static final int RATE = 5;

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
    com.fasterxml.jackson.databind.ObjectMapper json;
    @Inject
    Vertx vertx;

    record Started(String id, String phone, String carrier, String first, int minute, long at) {
    }

    /** per minute and carrier: starts, first calls on CallPass, approved */
    final Map<Integer, Map<String, int[]>> minutes = new LinkedHashMap<>();

    @Test
    void run() throws Exception {
        CallPassEmulator callpass = CallPassEmulatorResource.emulator();
        callpass.reset();
        YunhuEmulator yunhu = YunhuEmulatorResource.emulator();
        yunhu.reset();
        yunhu.callbacksTo("http://127.0.0.1:" + RestAssured.port + "/callbacks/yunhu/" + YunhuEmulatorResource.SECRET);
        CircuitBreakerMaintenance.get().resetAll();
        clock.reset();
        figures.runOnce();
        List<Started> pending = new ArrayList<>();
        int total = (HEALTHY_MIN + DROP_MIN + RECOVERED_MIN) * 60 * RATE;
        long cpu0 = cpu();
        long wall0 = System.nanoTime();
        int startsMeasured = 0;
        for (int i = 0; i < total; i++) {
            int minute = i / (60 * RATE);
            if (i == HEALTHY_MIN * 60 * RATE) {
                callpass.underDeliver(PREFIX.get("Beeline"), 0.2);
            }
            if (i == (HEALTHY_MIN + DROP_MIN) * 60 * RATE) {
                callpass.underDeliver(PREFIX.get("Beeline"), 1);
            }
            String carrier = CARRIERS.get(i % CARRIERS.size());
            String phone = "+" + PREFIX.get(carrier) + String.format("%07d", ThreadLocalRandom.current().nextInt(10_000_000));
            var r = Api.start(phone).statusCode(201).extract();
            startsMeasured++;
            String first = r.path("provider");
            pending.add(new Started(r.path("id"), phone, carrier, first, minute, clock.millis()));
            int[] m = minutes.computeIfAbsent(minute, k -> new LinkedHashMap<>()).computeIfAbsent(carrier, k -> new int[3]);
            m[0]++;
            m[1] += "callpass".equals(first) ? 1 : 0;
            clock.advance(Duration.ofMillis(1000 / RATE));
            if ((i + 1) % RATE == 0) {
                // a second of simulated time: polls due, the figures' worker, every replica's refresh
                tracker.drain(20).await().indefinitely();
                figures.runOnce();
                table.refresh().await().indefinitely();
                approve(pending, callpass, yunhu, false);
            }
        }
        long cpu = cpu() - cpu0;
        long wall = System.nanoTime() - wall0;
        clock.advance(Duration.ofSeconds(60));
        tracker.drain(50).await().indefinitely();
        approve(pending, callpass, yunhu, true);
        callpass.reset();
        Files.writeString(Path.of("target", "routing-bench.txt"), report(cpu, wall, startsMeasured));
        System.out.println(Files.readString(Path.of("target", "routing-bench.txt")));
    }

    /** users type the code of the call that reached them: every verification whose call was delivered, 8 s on */
    private void approve(List<Started> pending, CallPassEmulator callpass, YunhuEmulator yunhu, boolean all) {
        long now = clock.millis();
        List<Started> left = new ArrayList<>();
        for (Started s : pending) {
            if (!all && now - s.at() < 8_000) {
                left.add(s);
                continue;
            }
            Map<String, Object> v = Api.view(s.id());
            if ("delivered".equals(v.get("callStatus"))) {
                String code = "callpass".equals(v.get("provider")) ? callpass.lastCallTo(s.phone()).code(4)
                        : yunhuCode(yunhu, s.phone());
                Api.check(s.id(), code).statusCode(200);
                minutes.get(s.minute()).get(s.carrier())[2]++;
            } else if ("pending".equals(v.get("status")) && !all && now - s.at() < 90_000) {
                left.add(s);
            }
        }
        pending.clear();
        pending.addAll(left);
    }

    private static String yunhuCode(YunhuEmulator yunhu, String phone) {
        List<Map<String, String>> calls = yunhu.calls();
        for (int i = calls.size() - 1; i >= 0; i--) {
            if (phone.substring(1).equals(calls.get(i).get("destnumber"))) {
                String dis = calls.get(i).get("disnumber");
                return dis.substring(dis.length() - 4);
            }
        }
        return "0000";
    }

    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private String report(long cpu, long wall, int starts) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("routing bench: %d starts, %d/s simulated, %d min healthy, %d min CallPass at 20%% to "
                + "Beeline, %d min recovered; costs callpass 0.40, yunhu 0.60; explore 0.05%n", starts, RATE,
                HEALTHY_MIN, DROP_MIN, RECOVERED_MIN));
        out.append("minute | Beeline starts, first on CallPass, approved | MegaFon ... | Tele2 ...\n");
        for (var e : minutes.entrySet()) {
            out.append(String.format("%3d", e.getKey()));
            for (String c : CARRIERS) {
                int[] m = e.getValue().getOrDefault(c, new int[3]);
                out.append(String.format(" | %3d %5.1f%% %5.1f%%", m[0], pct(m[1], m[0]), pct(m[2], m[0])));
            }
            out.append('\n');
        }
        // goals
        int dropAt = HEALTHY_MIN;
        int recoverAt = HEALTHY_MIN + DROP_MIN;
        int moved = -1;
        for (int m = dropAt; m < recoverAt; m++) {
            int[] b = minutes.get(m).get("Beeline");
            if (pct(b[0] - b[1], b[0]) >= 80) {
                moved = m - dropAt;
                break;
            }
        }
        int back = -1;
        for (int m = recoverAt; m < recoverAt + RECOVERED_MIN && minutes.containsKey(m); m++) {
            int[] b = minutes.get(m).get("Beeline");
            if (pct(b[1], b[0]) >= 80) {
                back = m - recoverAt;
                break;
            }
        }
        double othersDrop = share(dropAt, recoverAt, List.of("MegaFon", "Tele2"), 1);
        double healthyApproval = share(1, dropAt, List.of("Beeline"), 2);
        double movedApproval = moved < 0 ? 0 : share(dropAt + moved + 1, recoverAt, List.of("Beeline"), 2);
        out.append(String.format("%nBeeline's first calls >= 80%% elsewhere: in minute %d after the drop (goal: within 5)%n", moved));
        out.append(String.format("other carriers' first calls on CallPass during the drop: %.1f%% (goal >= 90%%)%n", othersDrop));
        out.append(String.format("Beeline's first calls >= 80%% back on CallPass: in minute %d after the recovery (goal: within 10)%n", back));
        out.append(String.format("Beeline approval rate once moved: %.1f%% against %.1f%% healthy = %.1f%% (goal >= 90%%)%n",
                movedApproval, healthyApproval, healthyApproval == 0 ? 0 : movedApproval * 100 / healthyApproval));
        out.append(String.format("process CPU per start (app + emulators + client, the whole loop): %.0f us over %.1f s%n",
                cpu / 1000.0 / starts, wall / 1e9));
        out.append(routingCost());
        return out.toString();
    }

    /** the choice's own CPU per start, adaptive against static, on this replica's figures */
    private String routingCost() {
        RoutingTable fixed = new RoutingTable(store, new RoutingTest.Static(config), providersConfig, allConfig, json,
                vertx);
        List<CallProvider> candidates = chain.providers();
        List<String> phones = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            phones.add("+" + PREFIX.get(CARRIERS.get(i % 3)) + String.format("%07d", i * 7919 % 10_000_000));
        }
        double adaptive = 0;
        double fixedNs = 0;
        for (int round = 0; round < 5; round++) {
            adaptive = timeOrder(table, candidates, phones);
            fixedNs = timeOrder(fixed, candidates, phones);
        }
        return String.format("the choice on the start path: adaptive %.1f us, static %.1f us per start (memory only, "
                + "no Redis round trip)%n", adaptive / 1000, fixedNs / 1000);
    }

    private static double timeOrder(RoutingTable t, List<CallProvider> candidates, List<String> phones) {
        int n = 50_000;
        long t0 = System.nanoTime();
        int sink = 0;
        for (int i = 0; i < n; i++) {
            RouteOrder.Route r = t.order(candidates, phones.get(i % phones.size()), "RU", RouteOrder.Purpose.START, null);
            sink += r.providers().size();
        }
        long dt = System.nanoTime() - t0;
        return sink == 0 ? 0 : (double) dt / n;
    }

    private double share(int from, int to, List<String> carriers, int index) {
        long num = 0;
        long den = 0;
        for (int m = from; m < to; m++) {
            Map<String, int[]> mm = minutes.get(m);
            if (mm == null) {
                continue;
            }
            for (String c : carriers) {
                int[] x = mm.get(c);
                if (x != null) {
                    num += x[index];
                    den += x[0];
                }
            }
        }
        return pct(num, den);
    }

    private static double pct(long a, long b) {
        return b == 0 ? 0 : a * 100.0 / b;
    }
}
