import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Seeds the attempt log for bench/archive.sh: writes RESP (XADD commands with explicit stream ids) to stdout for
 * {@code redis-cli --pipe}, oldest first, and what the benchmark needs to know about the seed to --out.
 * <p>
 * One JDK, no dependencies: {@code java bench/SeedAttempts.java --records 5000000 --out DIR | redis-cli -p P --pipe}.
 * <p>
 * The traffic of a mid-size customer over the last 30 days (daily cycle on Moscow time): verifications of about 200k
 * phones (mostly RU +7 9xx, some KZ +7 7xx) from about 50k client IPs, a few apps and API keys, many devices. Per
 * verification: started, call_placed, call_outcome (delivered for most; not delivered ones fall back to the next
 * provider), some call_failed + fallback, some resends, check(s), then approved (about 70% of all start attempts),
 * expired, failed or canceled; about 5% of the start attempts are refused (rate-limit and geo rules). Each record's
 * stream id is {@code <at>-<seq>}, strictly increasing, so the stream looks exactly like 30 days of real appends.
 * Deterministic for a given --seed.
 */
public class SeedAttempts {

    static final String STREAM = "ca:attempts";
    /** the app's callauth.attempts.stream-shards: a record goes to the shard of its verification (CRC-32 % shards) */
    static int shards = 8;

    static String streamOf(String verificationId, String phone) {
        String by = verificationId != null ? verificationId : phone;
        if (shards <= 1 || by == null || by.isEmpty()) {
            return STREAM;
        }
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(by.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        int shard = (int) (crc.getValue() % shards);
        return shard == 0 ? STREAM : STREAM + ":" + shard;
    }
    static final String[] PROVIDERS = {"callpass", "yunhu", "sunsim", "runtel"};
    static final double[] PROVIDER_SHARE = {0.60, 0.20, 0.10, 0.10};
    static final String[] RU_CODES = {"900", "901", "903", "905", "906", "909", "910", "915", "916", "917", "919", "920",
            "925", "926", "929", "950", "951", "958", "960", "961", "962", "963", "964", "965", "967", "977", "985",
            "987", "989", "999"};
    static final String[] KZ_CODES = {"700", "701", "702", "705", "707", "747", "771", "775", "776", "777", "778"};
    static final String[][] IP_RANGES = {{"85", "140"}, {"176", "59"}, {"31", "173"}, {"95", "153"}, {"37", "150"}};
    /** app id, API key name, user agent, share */
    static final String[][] APPS = {
            {"ru.bank.app", "mobile", "okhttp/4.12.0"},
            {"ru.bank.app.ios", "mobile", "BankApp/7.3.1 CFNetwork/1494.0.7 Darwin/23.4.0"},
            {"ru.bank.business", "mobile", "okhttp/4.11.0"},
            {"web", "web", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"},
            {"partner-shop", "partner", "python-requests/2.32.3"}};
    static final double[] APP_SHARE = {0.40, 0.22, 0.08, 0.25, 0.05};
    /** relative starts per Moscow hour of day */
    static final double[] HOURLY = {0.25, 0.15, 0.10, 0.08, 0.08, 0.12, 0.25, 0.50, 0.80, 0.95, 1.00, 1.00, 1.00,
            0.98, 0.97, 0.95, 0.95, 0.95, 0.95, 0.92, 0.85, 0.75, 0.60, 0.40};

    // ------------------------------------------------------------------ flow structure (drawn from its own generator)

    /** one event of a flow: offset from the start, type, and what differs between events */
    record Ev(int offsetMs, String type, int provider, String channel, String outcome, String reason, String rule) {
    }

    /** A flow's events, offsets increasing. Refusals are one event without verification id (flagged by rule). */
    static List<Ev> flow(SplittableRandom r) {
        List<Ev> out = new ArrayList<>(8);
        double u = r.nextDouble();
        if (u < 0.05) { // refused at start (or a check from an IP over its limit)
            double k = r.nextDouble();
            String rule, reason;
            if (k < 0.35) { rule = "destination"; reason = "rate_limited"; }
            else if (k < 0.60) { rule = "ip"; reason = "rate_limited"; }
            else if (k < 0.72) { rule = "prefix"; reason = "rate_limited"; }
            else if (k < 0.84) { rule = "geo_allowed_regions"; reason = "country_not_allowed"; }
            else if (k < 0.90) { rule = "geo_denied_number_types"; reason = "number_type_premium_rate"; }
            else if (k < 0.95) { rule = "api_key"; reason = "rate_limited"; }
            else { rule = "check_ip"; reason = "rate_limited"; }
            out.add(new Ev(0, "refused", -1, "auto", null, reason, rule));
            return out;
        }
        int p = pick(r, PROVIDER_SHARE);
        String channel = r.nextDouble() < 0.9 ? "flashcall" : "voice";
        int t = 0;
        out.add(new Ev(t, "started", p, channel, null, null, null));
        boolean delivered = false;
        int calls = 0;
        int tried = 0;
        // calls until one is delivered, or three, or the providers run out
        while (!delivered && calls < 3 && tried < PROVIDERS.length) {
            tried++;
            if (r.nextDouble() < 0.03) { // not placed at all: next provider at once
                t += 200 + r.nextInt(4_800);
                String why = r.nextDouble() < 0.6 ? "timeout" : "error";
                out.add(new Ev(t, "call_failed", p, channel, "provider answered " + why, why, null));
                p = (p + 1) % PROVIDERS.length;
                out.add(new Ev(t + 1, "fallback", p, channel, null, why, null));
                t += 1;
                continue;
            }
            t += 150 + r.nextInt(1_200);
            calls++;
            out.add(new Ev(t, "call_placed", p, channel, null, null, null));
            t += 3_000 + r.nextInt(27_000);
            delivered = r.nextDouble() < 0.88;
            out.add(new Ev(t, "call_outcome", p, channel, delivered ? "delivered" : "not_delivered",
                    delivered ? null : (r.nextDouble() < 0.5 ? "no_answer" : "unreachable"), null));
            if (!delivered && calls < 3 && tried < PROVIDERS.length) {
                p = (p + 1) % PROVIDERS.length;
                out.add(new Ev(t + 1, "fallback", p, channel, null, "not_delivered", null));
                t += 1;
            }
        }
        if (!delivered) {
            double k = r.nextDouble();
            if (k < 0.4) { // the user asks for another call
                t += 20_000 + r.nextInt(40_000);
                out.add(new Ev(t, "resend", p, channel, null, null, null));
                t += 200 + r.nextInt(1_000);
                out.add(new Ev(t, "call_placed", p, channel, null, null, null));
                t += 3_000 + r.nextInt(20_000);
                delivered = r.nextDouble() < 0.8;
                out.add(new Ev(t, "call_outcome", p, channel, delivered ? "delivered" : "not_delivered", null, null));
            }
            if (!delivered) {
                out.add(new Ev(t + 5, "failed", p, channel, null, "every provider of the chain was tried", null));
                return out;
            }
        }
        // the code arrived: the user types it (or walks away)
        double k = r.nextDouble();
        if (k < 0.20) { // never checked
            out.add(new Ev(300_000 + r.nextInt(60_000), "expired", p, channel, null, null, null));
            return out;
        }
        if (k < 0.23) {
            t += 5_000 + r.nextInt(60_000);
            out.add(new Ev(t, "canceled", p, channel, null, null, null));
            return out;
        }
        int wrong = r.nextDouble() < 0.85 ? 0 : 1 + r.nextInt(r.nextDouble() < 0.9 ? 2 : 5);
        for (int i = 0; i < wrong; i++) {
            t += 4_000 + r.nextInt(30_000);
            out.add(new Ev(t, "check", p, channel, "invalid", null, null));
        }
        if (wrong >= 5) {
            out.add(new Ev(t + 1, "failed", p, channel, null, "max_attempts_reached", null));
            return out;
        }
        t += 4_000 + r.nextInt(40_000);
        out.add(new Ev(t, "check", p, channel, "valid", null, null));
        out.add(new Ev(t + 1, "approved", p, channel, null, null, null));
        return out;
    }

    static int pick(SplittableRandom r, double[] shares) {
        double u = r.nextDouble();
        for (int i = 0; i < shares.length; i++) {
            u -= shares[i];
            if (u < 0) {
                return i;
            }
        }
        return shares.length - 1;
    }

    // ------------------------------------------------------------------ attributes

    static String phone(int i, int phones) {
        // 90% of the pool is Russian, 10% Kazakh; digits from a permutation of the index: distinct numbers
        boolean kz = i >= phones * 9 / 10;
        String[] codes = kz ? KZ_CODES : RU_CODES;
        int j = kz ? i - phones * 9 / 10 : i;
        long digits = ((long) (j / codes.length) * 7_919L + 1_234_567L) % 10_000_000L;
        return "+7" + codes[j % codes.length] + String.format("%07d", digits);
    }

    /** prefix + v in lower-case hex, zero-padded to width digits */
    static String hex(String prefix, long v, int width) {
        String h = Long.toHexString(v);
        return prefix + "0".repeat(Math.max(0, width - h.length())) + h;
    }

    static String ip(int i) {
        String[] range = IP_RANGES[i % IP_RANGES.length];
        int n = i / IP_RANGES.length;
        return range[0] + "." + range[1] + "." + (n / 250) % 256 + "." + (1 + n % 250);
    }

    /** a verification's own attributes, shared by its records */
    static final class Verif {
        String id, phone, country, prefix, ip, app, apiKey, ua, device;
    }

    static final class Pending implements Comparable<Pending> {
        final long at;
        final long order;
        final Verif v;
        final Ev e;

        Pending(long at, long order, Verif v, Ev e) {
            this.at = at;
            this.order = order;
            this.v = v;
            this.e = e;
        }

        @Override
        public int compareTo(Pending o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }

    // ------------------------------------------------------------------ RESP

    static final class Resp {
        final OutputStream out;
        final byte[] buf = new byte[1 << 16];
        int pos;

        Resp(OutputStream out) {
            this.out = out;
        }

        void raw(String s) throws IOException {
            int n = s.length();
            if (pos + n > buf.length) {
                flush();
            }
            if (n > buf.length) {
                out.write(s.getBytes(StandardCharsets.US_ASCII));
                return;
            }
            for (int i = 0; i < n; i++) {
                buf[pos++] = (byte) s.charAt(i);
            }
        }

        void bulk(String s) throws IOException {
            raw("$" + s.length() + "\r\n");
            raw(s);
            raw("\r\n");
        }

        void flush() throws IOException {
            out.write(buf, 0, pos);
            pos = 0;
        }
    }

    // ------------------------------------------------------------------ main

    public static void main(String[] args) throws IOException {
        long records = 5_000_000;
        int phones = 200_000, ips = 50_000;
        long seed = 42;
        long now = System.currentTimeMillis();
        Path outDir = Path.of(".");
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--records" -> records = Long.parseLong(args[i + 1]);
                case "--phones" -> phones = Integer.parseInt(args[i + 1]);
                case "--shards" -> shards = Integer.parseInt(args[i + 1]);
                case "--ips" -> ips = Integer.parseInt(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                case "--now" -> now = Long.parseLong(args[i + 1]);
                case "--out" -> outDir = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Files.createDirectories(outDir);
        // the span: from 30 days ago (plus an hour, so the retention cut-off never reaches it during the run) to 40
        // minutes ago (the expiry sweep starts one key lifetime, 20 minutes, back: it must not see the seed)
        long first = now - 30L * 86_400_000L + 3_600_000L;
        long last = now - 40L * 60_000L;

        // pass 1: how many flows make the records (flow structures come from their own generator)
        long flows = 0, n = 0;
        SplittableRandom fr = new SplittableRandom(seed);
        while (n < records) {
            n += flow(fr).size();
            flows++;
        }
        // start times: quantiles of the daily cycle's cumulative intensity over [first, last), per minute
        int minutes = (int) ((last - first) / 60_000L);
        double[] cum = new double[minutes + 1];
        for (int m = 0; m < minutes; m++) {
            long t = first + m * 60_000L;
            int mskHour = (int) (((t / 3_600_000L) + 3) % 24);
            cum[m + 1] = cum[m] + HOURLY[mskHour];
        }
        double total = cum[minutes];

        fr = new SplittableRandom(seed);
        SplittableRandom ar = new SplittableRandom(seed * 31 + 7);
        Resp resp = new Resp(new BufferedOutputStream(System.out, 1 << 20));
        PriorityQueue<Pending> queue = new PriorityQueue<>();
        int[] phoneUse = new int[phones];
        int[] ipUse = new int[ips];
        Emitter out = new Emitter(resp, records);
        long order = 0;
        int hotPhones = Math.max(1, phones / 100), hotIps = Math.max(1, ips / 100);
        String[] phoneOf = new String[phones], deviceOf = new String[phones], ipOf = new String[ips];
        for (int i = 0; i < phones; i++) {
            phoneOf[i] = phone(i, phones);
            deviceOf[i] = hex("d", (i * 2_654_435_761L) & 0xfffffffffffffL, 15);
        }
        for (int i = 0; i < ips; i++) {
            ipOf[i] = ip(i);
        }
        int m = 0;
        for (long f = 0; f < flows && out.emitted < records; f++) {
            double target = (f + ar.nextDouble()) / flows * total;
            while (m < minutes - 1 && cum[m + 1] < target) {
                m++;
            }
            double within = (target - cum[m]) / Math.max(1e-9, cum[m + 1] - cum[m]);
            long start = first + m * 60_000L + (long) (within * 60_000L);
            // everything due before this flow starts goes out first: the output stays in time order
            while (!queue.isEmpty() && queue.peek().at < start && out.emitted < records) {
                out.emit(queue.poll());
            }
            List<Ev> evs = flow(fr);
            Verif v = new Verif();
            int pi = ar.nextDouble() < 0.2 ? ar.nextInt(hotPhones) : ar.nextInt(phones);
            int ii = ar.nextDouble() < 0.15 ? ar.nextInt(hotIps) : ar.nextInt(ips);
            ipUse[ii]++;
            v.phone = phoneOf[pi];
            v.country = pi >= phones * 9 / 10 ? "KZ" : "RU";
            if (evs.get(0).rule() != null && evs.get(0).rule().equals("geo_allowed_regions")) {
                v.phone = "+99890" + String.format("%07d", pi % 10_000_000); // Uzbekistan: not allowed
                v.country = "UZ";
            }
            v.prefix = v.phone.substring(1, 9);
            v.ip = ipOf[ii];
            int app = pick(ar, APP_SHARE);
            v.app = APPS[app][0];
            v.apiKey = APPS[app][1];
            v.ua = APPS[app][2];
            v.device = ar.nextDouble() < 0.85 ? deviceOf[pi] : hex("d", ar.nextLong() & 0xfffffffffffffL, 15);
            boolean refused = evs.get(0).type().equals("refused");
            boolean checkRefusal = refused && "check_ip".equals(evs.get(0).rule());
            if (!refused || checkRefusal) {
                v.id = hex("vf_", ar.nextLong(), 16) + hex("", ar.nextLong(), 16);
            }
            if (checkRefusal) { // a check by id from an IP over its limit: no phone is known at that point
                v.phone = v.country = v.prefix = null;
            } else if (!"UZ".equals(v.country)) {
                phoneUse[pi]++; // the pool's number occurs in the seed
            }
            for (Ev e : evs) {
                queue.add(new Pending(start + e.offsetMs(), order++, v, e));
            }
        }
        while (!queue.isEmpty() && out.emitted < records) {
            out.emit(queue.poll());
        }
        resp.flush();
        resp.out.flush();

        // what the benchmark needs: samples of phones and IPs that occur, the bounds of the newest 1M and 100k
        int distinctPhones = 0, distinctIps = 0;
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(outDir.resolve("phones.txt")))) {
            int step = Math.max(1, phones / 5_000);
            for (int i = 0; i < phones; i++) {
                if (phoneUse[i] > 0) {
                    distinctPhones++;
                    if (i % step == 0) w.println(phone(i, phones));
                }
            }
        }
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(outDir.resolve("ips.txt")))) {
            int step = Math.max(1, ips / 5_000);
            for (int i = 0; i < ips; i++) {
                if (ipUse[i] > 0) {
                    distinctIps++;
                    if (i % step == 0) w.println(ip(i));
                }
            }
        }
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(outDir.resolve("seed.env")))) {
            w.println("SEED_RECORDS=" + out.emitted);
            w.println("SEED_FLOWS=" + flows);
            w.println("SEED_FIRST_AT=" + out.firstAt);
            w.println("SEED_LAST_AT=" + out.lastEmitted);
            w.println("SEED_AT_NEWEST_1M=" + out.at1m);
            w.println("SEED_AT_NEWEST_100K=" + out.at100k);
            w.println("SEED_DISTINCT_PHONES=" + distinctPhones);
            w.println("SEED_DISTINCT_IPS=" + distinctIps);
            StringBuilder types = new StringBuilder();
            out.byType.forEach((k, c) -> types.append(k).append(':').append(c).append(' '));
            w.println("SEED_TYPES='" + types.toString().trim() + "'");
        }
    }

    /**
     * Writes records in time order with stream ids {@code <at>-<seq>} (seq counts records of the same millisecond) and
     * keeps what seed.env reports: counts by type, the first and last time, the oldest of the newest 1M and 100k.
     */
    static final class Emitter {
        final Resp resp;
        final long records;
        final TreeMap<String, Long> byType = new TreeMap<>();
        long emitted = 0, lastAt = -1, seq = 0;
        long at1m = -1, at100k = -1, firstAt = -1, lastEmitted = -1;

        Emitter(Resp resp, long records) {
            this.resp = resp;
            this.records = records;
        }

        void emit(Pending p) throws IOException {
            if (p.at == lastAt) {
                seq++;
            } else {
                lastAt = p.at;
                seq = 0;
            }
            write(resp, p, lastAt + "-" + seq);
            if (firstAt < 0) firstAt = p.at;
            lastEmitted = p.at;
            byType.merge(p.e.type(), 1L, Long::sum);
            emitted++;
            if (emitted == records - 1_000_000L + 1) at1m = p.at; // the oldest of the newest 1M
            if (emitted == records - 100_000L + 1) at100k = p.at;
        }
    }

    static void write(Resp r, Pending p, String id) throws IOException {
        Verif v = p.v;
        Ev e = p.e;
        String[] kv = {
                "at", Long.toString(p.at), "type", e.type(), "verificationId", v.id, "phone", v.phone,
                "country", v.country, "prefix", v.prefix, "provider", e.provider() < 0 ? null : PROVIDERS[e.provider()],
                "channel", e.channel(), "outcome", e.outcome(), "reason", e.reason(), "rule", e.rule(),
                "apiKey", v.apiKey, "ip", v.ip, "userAgent", v.ua, "appId", v.app, "deviceId", v.device};
        int fields = 0;
        for (int i = 1; i < kv.length; i += 2) {
            if (kv[i] != null) fields++;
        }
        r.raw("*" + (3 + 2 * fields) + "\r\n");
        r.bulk("XADD");
        r.bulk(streamOf(v.id, v.phone));
        r.bulk(id);
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] != null) {
                r.bulk(kv[i]);
                r.bulk(kv[i + 1]);
            }
        }
    }
}
