// Attack simulator for the automatic defence (issue 22): drives a running callauth (dev mode with the sandbox
// provider) with a compressed week of legitimate traffic and several pumping attacks, and prints per attack the calls
// placed into the attacked numbers before the block and the seconds to block, and the legitimate starts refused.
//
//   java bench/AttackSim.java                      # BASE=http://localhost:8080 KEY=dev-key-change-me DURATION=360
//   BASE=http://localhost:18222 DURATION=300 LEGIT_RATE=2 java bench/AttackSim.java
//
// Legitimate users: numbers drawn over the RU mobile codes (and KZ ones, a new country whose share grows from 0 to
// 10 % over the week), a daily cycle, 30 % growth over the week, four apps, one of which ("shop") runs a 5x marketing
// spike on day 4; each user reads the code off the sandbox's simulated phone after 2-8 s and checks it (85 % do).
// Attacks, one after the other: a burst of 10 starts/s into one fresh range; numbers in sequence in one range; 3
// starts/s into 5 ranges rotating addresses, devices and apps; voice calls that answer and hold, never checked; a
// slow spread over 20 KZ ranges at 1 start/s in all. Every attacker rotates client addresses and devices (the static
// per-address limit never sees it). Bounded: it stops after DURATION seconds; loopback only.
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class AttackSim {

    static final String BASE = env("BASE", "http://localhost:8080");
    static final String KEY = env("KEY", "dev-key-change-me");
    static final int DURATION = Integer.parseInt(env("DURATION", "360"));
    static final double LEGIT_RATE = Double.parseDouble(env("LEGIT_RATE", "2"));
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static final ExecutorService POOL = Executors.newVirtualThreadPerTaskExecutor();
    static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"([0-9]+)\"");
    static final Pattern RULE = Pattern.compile("\"rule\"\\s*:\\s*\"([^\"]+)\"");
    static final String[] RU = {"903", "905", "909", "915", "916", "917", "925", "926", "977", "999", "952", "901"};
    static final String[] KZ = {"701", "702", "705", "707", "771", "775", "777"};
    static final String[] APPS = {"shop", "bank", "game", "taxi"};
    static final long T0 = System.currentTimeMillis();

    // the legitimate side
    static final AtomicLong legitStarts = new AtomicLong(), legitRefusedByRule = new AtomicLong(),
            legitRateLimited = new AtomicLong(), legitApproved = new AtomicLong(), legitOther = new AtomicLong(),
            spikeStarts = new AtomicLong(), spikeRefused = new AtomicLong(), spikeApproved = new AtomicLong();

    static String env(String k, String d) {
        String v = System.getenv(k);
        return v == null || v.isBlank() ? d : v;
    }

    static double now() {
        return (System.currentTimeMillis() - T0) / 1000.0;
    }

    record Answer(int status, String body) {
        String rule() {
            Matcher m = RULE.matcher(body);
            return m.find() ? m.group(1) : null;
        }

        boolean refusedByRule() {
            return status == 403 && rule() != null && rule().startsWith("rule:");
        }
    }

    static Answer call(String method, String path, String body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(BASE + path)).timeout(Duration.ofSeconds(15))
                    .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json");
            b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                    : b.method(method, HttpRequest.BodyPublishers.ofString(body));
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (Exception e) {
            return new Answer(-1, e.toString());
        }
    }

    static Answer start(String phone, String channel, String ip, String app, String device) {
        return call("POST", "/v1/verifications", "{\"phone\":\"" + phone + "\",\"channel\":\"" + channel
                + "\",\"context\":{\"ip\":\"" + ip + "\",\"appId\":\"" + app + "\",\"deviceId\":\"" + device
                + "\",\"userAgent\":\"sim/1\"}}");
    }

    static String ip() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return (r.nextInt(1, 223)) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(1, 255);
    }

    static String digits(int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(ThreadLocalRandom.current().nextInt(10));
        }
        return s.toString();
    }

    // ------------------------------------------------------------------ a compressed week

    /** the simulated hour of the week (0-168) at a point of the run */
    static double hour(double t) {
        return 168.0 * t / DURATION;
    }

    static boolean spike(double t) {
        double h = hour(t);
        return h >= 3 * 24 + 10 && h < 3 * 24 + 16; // day 4, 10:00-16:00
    }

    static double legitRate(double t) {
        double h = hour(t) % 24;
        double daily = 0.3 + 0.7 * Math.max(0, Math.sin(Math.PI * (h - 6) / 18)); // night low, day high
        double growth = 1 + 0.3 * t / DURATION;
        return LEGIT_RATE * daily * growth;
    }

    static void legitUser(double t) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        boolean kz = r.nextDouble() < 0.1 * t / DURATION;
        String phone = kz ? "+7" + KZ[r.nextInt(KZ.length)] + digits(7) : "+7" + RU[r.nextInt(RU.length)] + digits(7);
        boolean inSpike = spike(t) && r.nextDouble() < 5.0 / 8; // the spike's app has 5x its usual quarter
        String app = inSpike ? "shop" : APPS[r.nextInt(APPS.length)];
        Answer a = start(phone, "auto", ip(), app, "dev-" + digits(8));
        legitStarts.incrementAndGet();
        if (inSpike) {
            spikeStarts.incrementAndGet();
        }
        if (a.status() == 201) {
            if (r.nextDouble() >= 0.85) {
                return; // gave up
            }
            try {
                Thread.sleep(2000 + r.nextInt(6000));
            } catch (InterruptedException e) {
                return;
            }
            Answer calls = call("GET", "/sandbox/calls?phone=" + phone.substring(1), null);
            Matcher m = CODE.matcher(calls.body());
            String id = a.body().replaceAll("(?s).*\"id\"\\s*:\\s*\"([^\"]+)\".*", "$1");
            if (m.find()) {
                Answer c = call("POST", "/v1/verifications/" + id + "/check", "{\"code\":\"" + m.group(1) + "\"}");
                if (c.status() == 200 && c.body().contains("\"valid\":true")) {
                    legitApproved.incrementAndGet();
                    if (inSpike) {
                        spikeApproved.incrementAndGet();
                    }
                }
            }
        } else if (a.refusedByRule()) {
            legitRefusedByRule.incrementAndGet();
            if (inSpike) {
                spikeRefused.incrementAndGet();
            }
            System.out.printf("%7.1fs legit start refused by %s (%s, app %s)%n", now(), a.rule(),
                    phone.substring(0, 9) + "…", app);
        } else if (a.status() == 429) {
            legitRateLimited.incrementAndGet();
        } else {
            legitOther.incrementAndGet();
        }
    }

    // ------------------------------------------------------------------ attacks

    /** one attacked range's figures */
    static final class Target {
        final String range;
        final AtomicInteger placed = new AtomicInteger(), placedAfter = new AtomicInteger(),
                throttled = new AtomicInteger();
        volatile double first = -1, blocked = -1;
        volatile String rule;

        Target(String range) {
            this.range = range;
        }
    }

    static final class Attack {
        final String name;
        final Map<String, Target> targets = new ConcurrentHashMap<>();
        volatile double began = -1;

        Attack(String name) {
            this.name = name;
        }

        void hit(String phone, String channel, String app) {
            String range = phone.substring(1, 9);
            Target t = targets.computeIfAbsent(range, Target::new);
            if (began < 0) {
                began = now();
            }
            if (t.first < 0) {
                t.first = now();
            }
            Answer a = start(phone, channel, ip(), app, "x-" + digits(10));
            if (a.status() == 201) {
                (t.blocked < 0 ? t.placed : t.placedAfter).incrementAndGet();
            } else if (a.refusedByRule()) {
                if (t.blocked < 0) {
                    t.blocked = now();
                    t.rule = a.rule();
                }
            } else if (a.status() == 429) {
                t.throttled.incrementAndGet();
            }
        }

        boolean allBlocked() {
            return !targets.isEmpty() && targets.values().stream().allMatch(t -> t.blocked >= 0);
        }

        void report() {
            List<Target> ts = new ArrayList<>(targets.values());
            long blocked = ts.stream().filter(t -> t.blocked >= 0).count();
            int placed = ts.stream().mapToInt(t -> t.placed.get()).sum();
            int after = ts.stream().mapToInt(t -> t.placedAfter.get()).sum();
            int throttled = ts.stream().mapToInt(t -> t.throttled.get()).sum();
            double maxTo = ts.stream().filter(t -> t.blocked >= 0).mapToDouble(t -> t.blocked - t.first).max()
                    .orElse(-1);
            double lastBlock = ts.stream().filter(t -> t.blocked >= 0).mapToDouble(t -> t.blocked).max().orElse(-1);
            long within3 = ts.stream().filter(t -> t.blocked >= 0 && t.blocked - began <= 180).count();
            System.out.printf("%-10s ranges %2d, blocked %2d (%d within 3 min of the attack's start); calls placed "
                            + "before the block %4d (%.1f per range), after %d, throttled by the static limits %d; "
                            + "seconds to block: worst range %.1f, all blocked %.1f s after the attack began%n", name,
                    ts.size(), blocked, within3, placed, ts.isEmpty() ? 0.0 : (double) placed / ts.size(), after,
                    throttled, maxTo, lastBlock < 0 ? -1 : lastBlock - began);
        }
    }

    /** runs {@code body} at {@code perSecond} for at most {@code seconds}, or until the attack is blocked everywhere */
    static void drive(Attack a, double perSecond, double seconds, boolean untilBlocked, Runnable body)
            throws InterruptedException {
        double end = now() + seconds;
        long gap = (long) (1000 / perSecond);
        List<java.util.concurrent.Future<?>> running = new ArrayList<>();
        while (now() < end && !(untilBlocked && a.allBlocked() && now() > a.began + 5)) {
            running.add(POOL.submit(body));
            Thread.sleep(gap);
        }
        for (var f : running) {
            try {
                f.get();
            } catch (Exception ignored) {
            }
        }
    }

    public static void main(String[] args) throws Exception {
        System.out.printf("callauth attack simulator: %s, a week in %d s, legitimate base rate %.1f starts/s%n", BASE,
                DURATION, LEGIT_RATE);
        Thread legit = Thread.ofPlatform().daemon().start(() -> {
            double owed = 0;
            while (now() < DURATION) {
                double t = now();
                owed += legitRate(t) * 0.1 * (spike(t) ? 2.0 : 1.0); // the spike's app: 5x its quarter of the traffic
                while (owed >= 1) {
                    owed--;
                    POOL.submit(() -> legitUser(t));
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        Random rnd = new Random();
        String fresh = "+7958" + (100 + rnd.nextInt(900)) + rnd.nextInt(10);
        List<Attack> attacks = new ArrayList<>();

        sleepUntil(0.10);
        Attack burst = new Attack("burst");
        attacks.add(burst);
        System.out.printf("%7.1fs burst: 10 starts/s into %s…%n", now(), fresh.substring(0, 9));
        drive(burst, 10, 30, false, () -> burst.hit(fresh + digits(3), "auto", "game"));

        sleepUntil(0.25);
        Attack seq = new Attack("neighbours");
        attacks.add(seq);
        String seqRange = "+7901" + (100 + rnd.nextInt(900)) + rnd.nextInt(10);
        AtomicInteger n = new AtomicInteger();
        System.out.printf("%7.1fs neighbours: numbers in sequence into %s…, 1 start/s%n", now(), seqRange.substring(0, 9));
        drive(seq, 1, 60, true, () -> seq.hit(seqRange + String.format("%03d", n.getAndIncrement()), "auto", "bank"));

        sleepUntil(0.40);
        Attack rotating = new Attack("rotating");
        attacks.add(rotating);
        String rot = "+7958" + (100 + rnd.nextInt(900));
        System.out.printf("%7.1fs rotating: 3 starts/s into 5 ranges %s0-4, rotating apps, addresses, devices%n", now(),
                rot.substring(0, 8));
        drive(rotating, 3, 90, true, () -> rotating.hit(rot + ThreadLocalRandom.current().nextInt(5) + digits(3),
                "auto", APPS[ThreadLocalRandom.current().nextInt(APPS.length)]));

        sleepUntil(0.55);
        Attack voice = new Attack("voice");
        attacks.add(voice);
        String vr = "+7936" + (100 + rnd.nextInt(900)) + rnd.nextInt(10);
        System.out.printf("%7.1fs voice: calls that answer and hold into %s…, 1 start/s%n", now(), vr.substring(0, 9));
        drive(voice, 1, 60, true, () -> voice.hit(vr + digits(3), "voice", "taxi"));

        sleepUntil(0.62);
        Attack spread = new Attack("spread");
        attacks.add(spread);
        String kz = "+7747" + (10 + rnd.nextInt(80));
        System.out.printf("%7.1fs spread: 1 start/s in all over 20 KZ ranges %s20-39…%n", now(), kz.substring(0, 7));
        drive(spread, 1, 200, true, () -> spread.hit(kz + (20 + ThreadLocalRandom.current().nextInt(20)) + digits(3),
                "auto", "shop"));

        sleepUntil(1.0);
        legit.join();
        Thread.sleep(10_000); // the last users check their codes
        System.out.println();
        System.out.println("per attack:");
        attacks.forEach(Attack::report);
        long ls = legitStarts.get();
        System.out.printf("legitimate: %d starts, %d refused by a rule (%.3f %%), %d rate-limited, %d other errors, "
                        + "%d approved (%.1f %%)%n", ls, legitRefusedByRule.get(),
                ls == 0 ? 0.0 : 100.0 * legitRefusedByRule.get() / ls, legitRateLimited.get(), legitOther.get(),
                legitApproved.get(), ls == 0 ? 0.0 : 100.0 * legitApproved.get() / ls);
        System.out.printf("marketing spike (app shop, 5x): %d starts, %d refused by a rule, %d approved (%.1f %%)%n",
                spikeStarts.get(), spikeRefused.get(), spikeApproved.get(),
                spikeStarts.get() == 0 ? 0.0 : 100.0 * spikeApproved.get() / spikeStarts.get());
        POOL.shutdownNow();
        System.exit(0);
    }

    static void sleepUntil(double share) throws InterruptedException {
        double at = share * DURATION;
        while (now() < at) {
            Thread.sleep(100);
        }
    }
}
