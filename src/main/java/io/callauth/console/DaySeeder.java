package io.callauth.console;

import io.callauth.attempts.AttemptArchive;
import io.callauth.attempts.AttemptLog;
import io.callauth.attempts.AttemptRecord;
import io.callauth.common.Ids;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A realistic day of traffic for dev mode and the console's tests, written in bulk straight into the archive (records,
 * rollups and verification rows in the archive's own transaction): normal sign-ups across countries, apps and
 * providers with a daily curve; a pumping attack on one premium-looking range ({@value #PUMPED_PREFIX}…) from one
 * app ({@value #PUMPING_APP}), which the toll-fraud rule flags; and the bombing of one number
 * ({@value #BOMBED_PHONE}), mostly refused by the destination limit. Timestamps lie in the last 24 hours by the
 * injected clock (from the start of the console's 24 h window until a few minutes ago). Never in prod: the console
 * offers it only when the sandbox provider is configured, and dev mode runs it at start only with
 * {@code callauth.dev.seed-day=true}.
 */
@ApplicationScoped
public class DaySeeder {

    private static final Logger LOG = Logger.getLogger(DaySeeder.class);
    public static final String PUMPED_PREFIX = "79585550";
    public static final String PUMPING_APP = "quizmaster";
    public static final String BOMBED_PHONE = "+79161234567";
    private static final String[] APPS = {"shop", "bank", "taxi", "delivery", PUMPING_APP};
    private static final double[] APP_WEIGHT = {0.39, 0.25, 0.20, 0.13, 0.03};
    private static final String[] PROVIDERS = {"callpass", "yunhu", "sunsim"};
    private static final double[] PROVIDER_WEIGHT = {0.70, 0.20, 0.10};
    private static final String[] AGENTS = {"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X)",
            "Mozilla/5.0 (Linux; Android 15; Pixel 8)", "okhttp/4.12.0", "Mozilla/5.0 (Windows NT 10.0; Win64; x64)"};
    /** sequence numbers of the seeded records' ids, far above what one millisecond of a real stream reaches */
    private static final AtomicLong SEQ = new AtomicLong(900_000);

    private final AttemptArchive archive;
    private final Clock clock;

    public DaySeeder(AttemptArchive archive, Clock clock) {
        this.archive = archive;
        this.clock = clock;
    }

    /** what a seeding wrote, counted the way the rollups count it */
    public record Seeded(int records, long started, long approved, long callsPlaced, long callsDelivered,
                         long refused, Instant from, Instant to) {
        public String conversion() {
            return Overview.percent(started, approved);
        }
    }

    /** writes the day; deterministic in shape and figures for one clock hour */
    public Seeded seed() throws SQLException {
        Instant now = clock.instant();
        Instant from = ConsoleQueries.windowEnd(now).minus(Duration.ofHours(24));
        Instant until = now.minus(Duration.ofMinutes(5));
        // the day before, quieter and without attacks: what the overview compares the seeded day with
        // (its last flows end before the seeded day begins, so that no call of it counts in the seeded day's window)
        Gen before = new Gen(new Random(20261130L), from.minus(Duration.ofHours(24)).toEpochMilli(),
                from.minus(Duration.ofMinutes(3)).toEpochMilli(), 0.85);
        before.normalDay();
        Gen g = new Gen(new Random(20261201L), from.toEpochMilli(), until.toEpochMilli(), 1.0);
        g.normalDay();
        g.pumping();
        g.bombing();
        List<AttemptLog.Entry> all = new ArrayList<>(before.out);
        all.addAll(g.out);
        all.sort((a, b) -> Long.compare(a.record().at(), b.record().at()));
        for (int i = 0; i < all.size(); i += 5000) {
            archive.store(all.subList(i, Math.min(all.size(), i + 5000)));
        }
        Seeded s = new Seeded(g.out.size(), g.started, g.approved, g.placed, g.delivered, g.refused, from, now);
        LOG.infof("seeded a day of traffic: %d records (and %d of the quieter day before), %d started, %d approved, %d refused", s.records(), before.out.size(), s.started(),
                s.approved(), s.refused());
        return s;
    }

    /** the generator of one day */
    private static final class Gen {
        final Random rnd;
        final long from;
        final long until;
        final double volume;
        final List<AttemptLog.Entry> out = new ArrayList<>();
        long started, approved, placed, delivered, refused;

        Gen(Random rnd, long from, long until, double volume) {
            this.rnd = rnd;
            this.volume = volume;
            this.from = from;
            this.until = until;
        }

        /** sign-ups over the day, more in Moscow's daytime than at night */
        void normalDay() {
            for (long h = from; h < until; h += 3_600_000L) {
                int localHour = Instant.ofEpochMilli(h).atZone(ZoneOffset.ofHours(3)).getHour();
                double curve = 0.25 + 0.75 * Math.max(0, Math.sin(Math.PI * (localHour - 6) / 18.0));
                int n = (int) Math.round(170 * curve * volume);
                long end = Math.min(h + 3_600_000L, until);
                for (int i = 0; i < n; i++) {
                    long t = h + (long) (rnd.nextDouble() * (end - h));
                    String app = pick(APPS, APP_WEIGHT);
                    boolean kz = rnd.nextDouble() < 0.18;
                    String phone = kz ? "+770" + digits(8) : "+79" + pick(new String[]{"16", "26", "03", "85", "99"},
                            new double[]{.3, .2, .2, .15, .15}) + digits(7);
                    double r = rnd.nextDouble();
                    if (r < 0.012) {
                        refuse(t, "+38067" + digits(7), "UA", app, "country_not_allowed", "geo_allowed_regions");
                    } else if (r < 0.02) {
                        refuse(t, null, null, app, "invalid_phone", null);
                    } else {
                        flow(t, phone, kz ? "KZ" : "RU", app, ip(), 0.80, pick(PROVIDERS, PROVIDER_WEIGHT));
                    }
                }
                // a few genuine users of the range that is pumped later: its baseline
                if (rnd.nextDouble() < 0.9) {
                    flow(h + rnd.nextInt(3_000_000), "+7" + PUMPED_PREFIX.substring(1) + digits(3), "RU",
                            APPS[rnd.nextInt(APPS.length)], ip(), 0.85, "callpass");
                }
            }
        }

        /** 3 hours, late in the day, of calls to one range from one app: calls placed, hardly any approval */
        void pumping() {
            long start = until - Duration.ofHours(6).toMillis();
            for (int hour = 0; hour < 3; hour++) {
                long h = start + hour * 3_600_000L;
                for (int i = 0; i < 220; i++) {
                    long t = h + rnd.nextInt(3_600_000);
                    String phone = "+7" + PUMPED_PREFIX.substring(1) + digits(3);
                    String ip = "185.220.101." + (1 + rnd.nextInt(40));
                    if (i % 4 == 3) {
                        refuse(t, phone, "RU", PUMPING_APP, "rate_limited", "prefix", ip);
                    } else {
                        flow(t, phone, "RU", PUMPING_APP, ip, 0.01, "callpass");
                    }
                }
            }
        }

        /** one number, many addresses, 40 minutes: the destination limit lets a few through and refuses the rest */
        void bombing() {
            long start = until - Duration.ofHours(3).toMillis();
            for (int i = 0; i < 160; i++) {
                long t = start + i * 15_000L + rnd.nextInt(5_000);
                String ip = "45.155.205." + (2 + rnd.nextInt(200));
                if (i % 16 == 0) {
                    flow(t, BOMBED_PHONE, "RU", "shop", ip, 0.0, "callpass");
                } else {
                    refuse(t, BOMBED_PHONE, "RU", "shop", "rate_limited", "destination", ip);
                }
            }
        }

        void refuse(long t, String phone, String country, String app, String reason, String rule) {
            refuse(t, phone, country, app, reason, rule, ip());
        }

        void refuse(long t, String phone, String country, String app, String reason, String rule, String ip) {
            AttemptRecord r = new AttemptRecord(t, "refused", null, phone, country,
                    phone == null ? null : phone.substring(1, Math.min(phone.length(), 9)), null, null, null, reason,
                    rule, app + "-backend", ip, agent(), app, device());
            add(r);
            refused++;
        }

        /** one verification: start, call(s), checks, approval or expiry */
        void flow(long t, String phone, String country, String app, String ip, double conversion, String provider) {
            String vid = "vf_" + Ids.random("", 16);
            String prefix = phone.substring(1, 9);
            String device = device();
            String agent = agent();
            AttemptRecord base = new AttemptRecord(t, "started", vid, phone, country, prefix, provider, "flashcall",
                    null, null, null, app + "-backend", ip, agent, app, device);
            add(base);
            started++;
            long at = t + 300 + rnd.nextInt(700);
            add(at(base, at, "call_placed"));
            placed++;
            at += 3_000 + rnd.nextInt(9_000);
            boolean reached = rnd.nextDouble() < 0.93;
            add(at(base, at, "call_outcome").withOutcome(reached ? "delivered" : "not_delivered"));
            if (reached) {
                delivered++;
            } else {
                String next = provider.equals("callpass") ? "yunhu" : "callpass";
                add(at(base, at + 50, "fallback").withProvider(next).withReason("not_delivered"));
                add(at(base, at + 400, "call_placed").withProvider(next));
                placed++;
                at += 6_000 + rnd.nextInt(8_000);
                add(at(base, at, "call_outcome").withProvider(next).withOutcome("delivered"));
                delivered++;
            }
            if (rnd.nextDouble() < conversion) {
                at += 8_000 + rnd.nextInt(25_000);
                if (rnd.nextDouble() < 0.12) {
                    add(at(base, at, "check").withOutcome("invalid"));
                    at += 4_000 + rnd.nextInt(6_000);
                }
                add(at(base, at, "check").withOutcome("valid"));
                add(at(base, at + 1, "approved"));
                approved++;
            } else if (at + 300_000 < until) {
                if (rnd.nextDouble() < 0.3) {
                    add(at(base, at + 20_000, "check").withOutcome("invalid"));
                }
                add(at(base, t + 300_000, "expired"));
            }
        }

        AttemptRecord at(AttemptRecord base, long at, String type) {
            return new AttemptRecord(at, type, base.verificationId(), base.phone(), base.country(), base.prefix(),
                    base.provider(), base.channel(), null, null, null, base.apiKey(), base.ip(), base.userAgent(),
                    base.appId(), base.deviceId());
        }

        void add(AttemptRecord r) {
            out.add(new AttemptLog.Entry(r.at() + "-" + SEQ.incrementAndGet(), r));
        }

        String digits(int n) {
            StringBuilder b = new StringBuilder(n);
            for (int i = 0; i < n; i++) {
                b.append((char) ('0' + rnd.nextInt(10)));
            }
            return b.toString();
        }

        String ip() {
            int[] first = {85, 95, 178, 188, 37, 46, 92};
            return first[rnd.nextInt(first.length)] + "." + rnd.nextInt(256) + "." + rnd.nextInt(256) + "."
                    + (1 + rnd.nextInt(254));
        }

        String device() {
            return "dev-" + Long.toHexString(rnd.nextLong() & 0xffffffffffL);
        }

        String agent() {
            return AGENTS[rnd.nextInt(AGENTS.length)];
        }

        <T> T pick(T[] values, double[] weights) {
            double r = rnd.nextDouble();
            for (int i = 0; i < values.length; i++) {
                r -= weights[i];
                if (r < 0) {
                    return values[i];
                }
            }
            return values[values.length - 1];
        }
    }
}
