package io.callauth.it;

import io.callauth.provider.callpass.CallPassEmulator;
import io.callauth.provider.yunhu.YunhuEmulator;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link RoutingIT}'s sign-ups: paced starts (a fixed rate, alternating Beeline +7 903 and MegaFon +7 926, random
 * subscriber digits), each carrier's starts alternating between the replicas; every verification whose call was
 * delivered is approved with that call's code, read from the emulator that placed it, as its user would type it
 * (checked on the other replica). Records each start's first provider (the {@code provider} of its 201 answer).
 */
final class RoutingTraffic implements AutoCloseable {

    static final Map<String, String> PREFIX = Map.of("Beeline", "7903", "MegaFon", "7926");
    static final List<String> CARRIERS = List.of("Beeline", "MegaFon");

    /** one start: when, into which carrier, through which replica, and the provider its first call went to */
    record Start(long at, String carrier, int replica, String id, String phone, String first) {
    }

    private final List<PackagedApp> replicas;
    private final CallPassEmulator callpass;
    private final YunhuEmulator yunhu;
    private final List<Start> starts = new CopyOnWriteArrayList<>();
    private final Queue<Start> pending = new ConcurrentLinkedQueue<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final Set<String> phones = ConcurrentHashMap.newKeySet();
    private final AtomicInteger approved = new AtomicInteger();
    private final AtomicInteger seq = new AtomicInteger();
    private final ScheduledExecutorService pace = Executors.newScheduledThreadPool(2);

    RoutingTraffic(List<PackagedApp> replicas, CallPassEmulator callpass, YunhuEmulator yunhu) {
        this.replicas = replicas;
        this.callpass = callpass;
        this.yunhu = yunhu;
    }

    /** starts {@code perSecond} verifications a second from now on, and approves the delivered ones (a pass every 400 ms) */
    void begin(int perSecond) {
        pace.scheduleAtFixedRate(() -> guarded(this::startOne), 0, 1000 / perSecond, TimeUnit.MILLISECONDS);
        pace.scheduleWithFixedDelay(() -> guarded(this::approveDelivered), 500, 400, TimeUnit.MILLISECONDS);
    }

    private void guarded(Runnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            failures.add(t.toString());
        }
    }

    private void startOne() {
        int n = seq.getAndIncrement();
        String carrier = CARRIERS.get(n % 2);
        int replica = n / 2 % replicas.size();
        String phone;
        do {
            phone = "+" + PREFIX.get(carrier) + String.format("%07d", ThreadLocalRandom.current().nextInt(10_000_000));
        } while (!phones.add(phone));
        Response r = api(replicas.get(replica)).body("{\"phone\":\"" + phone + "\"}").post("/v1/verifications");
        if (r.statusCode() != 201) {
            failures.add("start " + phone + ": " + r.statusCode() + " " + r.asString());
            return;
        }
        Start s = new Start(System.currentTimeMillis(), carrier, replica, r.path("id"), phone, r.path("provider"));
        starts.add(s);
        pending.add(s);
    }

    /** the user of each verification whose call was delivered types its code (on the other replica) */
    private void approveDelivered() {
        long now = System.currentTimeMillis();
        for (Start s : List.copyOf(pending)) {
            if (now - s.at() < 1000) {
                continue;
            }
            PackagedApp other = replicas.get((s.replica() + 1) % replicas.size());
            Map<String, Object> v = api(other).get("/v1/verifications/" + s.id()).then().statusCode(200)
                    .extract().jsonPath().getMap("$");
            if ("delivered".equals(v.get("callStatus"))) {
                String code = "callpass".equals(v.get("provider")) ? callpass.lastCallTo(s.phone()).code(4)
                        : yunhuCode(s.phone());
                Response check = api(other).body("{\"code\":\"" + code + "\"}").post("/v1/verifications/" + s.id() + "/check");
                if (check.statusCode() != 200 || !"approved".equals(check.path("status"))) {
                    failures.add("check " + s + " with " + v.get("provider") + "'s code: " + check.asString());
                } else {
                    approved.incrementAndGet();
                }
                pending.remove(s);
            } else if (!"pending".equals(v.get("status")) || now - s.at() > 60_000) {
                failures.add("never delivered: " + s + " " + v);
                pending.remove(s);
            }
        }
    }

    /** Yunhu's code: the last 4 digits of the caller ID of its last call to the phone */
    private String yunhuCode(String phone) {
        List<Map<String, String>> calls = yunhu.calls();
        for (int i = calls.size() - 1; i >= 0; i--) {
            if (calls.get(i).getOrDefault("destnumber", "").endsWith(phone.substring(2))) {
                String dis = calls.get(i).get("disnumber");
                return dis.substring(dis.length() - 4);
            }
        }
        throw new IllegalStateException("no Yunhu call to " + phone);
    }

    private static io.restassured.specification.RequestSpecification api(PackagedApp app) {
        return RestAssured.given().baseUri(app.url()).header("Authorization", "Bearer dev-key-change-me")
                .contentType(ContentType.JSON);
    }

    // ------------------------------------------------------------------ what happened

    /** the starts into {@code carrier} at or after {@code since} (epoch ms), oldest first */
    List<Start> since(String carrier, long since) {
        List<Start> out = new ArrayList<>();
        for (Start s : starts) {
            if (s.carrier().equals(carrier) && s.at() >= since) {
                out.add(s);
            }
        }
        return out;
    }

    /** the last {@code n} of them (fewer when there are not as many yet) */
    List<Start> last(String carrier, long since, int n) {
        List<Start> all = since(carrier, since);
        return all.subList(Math.max(0, all.size() - n), all.size());
    }

    /** the share of {@code starts} whose first call went to {@code provider}, 0 when there are none */
    static double share(List<Start> starts, String provider) {
        return starts.isEmpty() ? 0 : starts.stream().filter(s -> provider.equals(s.first())).count()
                / (double) starts.size();
    }

    /** the share of a replica's starts among {@code starts} whose first call went to {@code provider} */
    static double share(List<Start> starts, int replica, String provider) {
        return share(starts.stream().filter(s -> s.replica() == replica).toList(), provider);
    }

    int started() {
        return starts.size();
    }

    int approved() {
        return approved.get();
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    @Override
    public void close() throws Exception {
        pace.shutdownNow();
        pace.awaitTermination(10, TimeUnit.SECONDS);
    }
}
