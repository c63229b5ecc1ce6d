package io.callauth.attempts;

import io.callauth.verification.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Summary figures from a scripted set of flows whose counts are known: two countries, two providers, two apps, an
 * approval that lands in the next hour but counts in its verification's start hour, refusals by rule and by reason.
 * The records are appended to the stream as the request path does and moved by the ingester; the summary reads only
 * the rollups and the verification rows.
 */
@QuarkusTest
class AttemptSummaryTest {

    @Inject
    AttemptLog log;
    @Inject
    AttemptIngester ingester;

    /** an hour of ten days ago, 10:00 UTC, that no other test writes into */
    static final Instant H = Instant.now().minus(Duration.ofDays(10)).truncatedTo(ChronoUnit.DAYS).plus(Duration.ofHours(10));
    static final String WINDOW = "from=" + H + "&to=" + H.plus(Duration.ofHours(2));
    static volatile boolean seeded;

    @BeforeAll
    static void once() {
        seeded = false;
    }

    private void append(Instant at, String type, String vid, String country, String prefix, String provider,
                        String outcome, String reason, String rule, String app) {
        log.append(new AttemptRecord(at.toEpochMilli(), type, vid, vid == null ? null : "+" + prefix + "123",
                country, prefix, provider, "flashcall", outcome, reason, rule, "test", "203.0.113.1", "ua", app, "d"))
                .await().indefinitely();
    }

    /** a verification: started at {@code start}, approved {@code approveAfter} seconds later (or never, when null) */
    private void flow(String vid, Instant start, String country, String prefix, String provider, String app,
                      Integer approveAfter, boolean delivered) {
        append(start, "started", vid, country, prefix, provider, null, null, null, app);
        append(start.plusMillis(200), "call_placed", vid, country, prefix, provider, null, null, null, app);
        append(start.plusSeconds(5), "call_outcome", vid, country, prefix, provider,
                delivered ? "delivered" : "not_delivered", null, null, app);
        if (approveAfter != null) {
            append(start.plusSeconds(approveAfter), "check", vid, country, prefix, provider, "valid", null, null, app);
            append(start.plusSeconds(approveAfter), "approved", vid, country, prefix, provider, null, null, null, app);
        }
    }

    private synchronized void seed() {
        if (seeded) {
            return;
        }
        String run = Long.toHexString(System.nanoTime());
        Instant h = H.plus(Duration.ofMinutes(5));
        // RU, callpass, app A: five verifications in hour H, four approved after 10, 30, 20 and 30 s
        flow("vf_ru1" + run, h, "RU", "79160000", "callpass", "A", 10, true);
        flow("vf_ru2" + run, h, "RU", "79160000", "callpass", "A", 30, true);
        flow("vf_ru3" + run, h, "RU", "79160001", "callpass", "A", 20, true);
        flow("vf_ru4" + run, h, "RU", "79160001", "callpass", "A", null, false);
        // started at 10:59:50, approved at 11:00:20: counted in hour H with its start
        flow("vf_ru5" + run, H.plus(Duration.ofMinutes(59)).plusSeconds(50), "RU", "79160000", "callpass", "A", 30, false);
        // KZ, yunhu, app B: two in hour H+1, one approved after 60 s
        Instant h1 = H.plus(Duration.ofMinutes(65));
        flow("vf_kz1" + run, h1, "KZ", "77010000", "yunhu", "B", 60, true);
        flow("vf_kz2" + run, h1, "KZ", "77010000", "yunhu", "B", null, false);
        // a second call (a fallback) for kz2
        append(h1.plusSeconds(40), "call_placed", "vf_kz2" + run, "KZ", "77010000", "runtel", null, null, null, "B");
        // refusals: three by the destination limit in hour H (RU), one invalid phone in H+1 (nothing known of it)
        for (int i = 0; i < 3; i++) {
            append(h.plusSeconds(100 + i), "refused", null, "RU", "79160000", null, null, "rate_limited", "destination", "A");
        }
        append(h1.plusSeconds(100), "refused", null, null, null, null, null, "invalid_phone", null, null);
        // a rule in monitor mode would have refused one start in hour H: shown apart, it refused nothing
        append(h.plusSeconds(200), "refused", null, "RU", "79160000", null, "monitor", "rule", "rule:r_mon", "A");
        // outside the window: not counted
        flow("vf_out" + run, H.minus(Duration.ofMinutes(1)), "RU", "79160000", "callpass", "A", 5, true);
        flow("vf_out2" + run, H.plus(Duration.ofHours(2)), "RU", "79160000", "callpass", "A", 5, true);
        AttemptIngester.Run r = ingester.runOwn();
        assertThat(r.failed()).isFalse();
        // a redelivery of everything changes no figure
        seeded = true;
    }

    static JsonPath summary(String query) {
        return Api.as(Api.FRAUD_KEY).get("/v1/attempts/summary?" + query).then().statusCode(200).extract().jsonPath();
    }

    static Map<String, Object> group(JsonPath s, String key) {
        List<Map<String, Object>> groups = s.getList("groups");
        return groups.stream().filter(g -> java.util.Objects.equals(g.get("key"), key)).findFirst()
                .orElseThrow(() -> new AssertionError("no group " + key + " in " + groups));
    }

    @Test
    void byCountry() {
        seed();
        JsonPath s = summary(WINDOW + "&groupBy=country");
        assertThat(s.getString("groupBy")).isEqualTo("country");
        assertThat(s.getString("from")).isEqualTo(H.toString());
        assertThat(s.getList("groups")).hasSize(3);
        assertThat(group(s, "RU")).containsEntry("started", 5).containsEntry("approved", 4)
                .containsEntry("conversionRate", 0.8f).containsEntry("callsPlaced", 5).containsEntry("callsDelivered", 3)
                .containsEntry("refusals", Map.of("destination", 3, "rule:r_mon (monitor)", 1))
                .containsEntry("medianSecondsToApprove", 25.0f);
        assertThat(group(s, "KZ")).containsEntry("started", 2).containsEntry("approved", 1)
                .containsEntry("conversionRate", 0.5f).containsEntry("callsPlaced", 3).containsEntry("callsDelivered", 1)
                .containsEntry("refusals", Map.of()).containsEntry("medianSecondsToApprove", 60.0f);
        assertThat(group(s, null)).containsEntry("started", 0).containsEntry("conversionRate", null)
                .containsEntry("refusals", Map.of("invalid_phone", 1));
        Map<String, Object> total = s.getMap("total");
        assertThat(total).containsEntry("started", 7).containsEntry("approved", 5)
                .containsEntry("conversionRate", 0.7143f).containsEntry("callsPlaced", 8).containsEntry("callsDelivered", 4)
                .containsEntry("refusals", Map.of("destination", 3, "invalid_phone", 1, "rule:r_mon (monitor)", 1))
                .containsEntry("medianSecondsToApprove", 30.0f);
    }

    @Test
    void byHourAndDay() {
        seed();
        JsonPath s = summary(WINDOW + "&groupBy=hour");
        assertThat(s.getList("groups.key")).containsExactly(H.toString(), H.plus(Duration.ofHours(1)).toString());
        assertThat(group(s, H.toString())).containsEntry("started", 5).containsEntry("approved", 4)
                .containsEntry("refusals", Map.of("destination", 3, "rule:r_mon (monitor)", 1));
        assertThat(group(s, H.plus(Duration.ofHours(1)).toString())).containsEntry("started", 2)
                .containsEntry("approved", 1).containsEntry("callsPlaced", 3)
                .containsEntry("refusals", Map.of("invalid_phone", 1));
        JsonPath d = summary(WINDOW + "&groupBy=day");
        assertThat(d.getList("groups")).hasSize(1);
        assertThat(group(d, H.truncatedTo(ChronoUnit.DAYS).toString())).containsEntry("started", 7)
                .containsEntry("approved", 5).containsEntry("medianSecondsToApprove", 30.0f);
        // the default grouping is by day
        assertThat(summary(WINDOW).getString("groupBy")).isEqualTo("day");
    }

    @Test
    void byProviderPrefixAndApp() {
        seed();
        JsonPath p = summary(WINDOW + "&groupBy=provider");
        assertThat(group(p, "callpass")).containsEntry("started", 5).containsEntry("approved", 4).containsEntry("callsPlaced", 5);
        assertThat(group(p, "yunhu")).containsEntry("started", 2).containsEntry("approved", 1).containsEntry("callsPlaced", 2);
        // a fallback's call counts for the provider that placed it
        assertThat(group(p, "runtel")).containsEntry("started", 0).containsEntry("callsPlaced", 1)
                .containsEntry("conversionRate", null);
        JsonPath x = summary(WINDOW + "&groupBy=prefix");
        assertThat(group(x, "79160000")).containsEntry("started", 3).containsEntry("approved", 3)
                .containsEntry("refusals", Map.of("destination", 3, "rule:r_mon (monitor)", 1));
        assertThat(group(x, "79160001")).containsEntry("started", 2).containsEntry("approved", 1)
                .containsEntry("medianSecondsToApprove", 20.0f);
        JsonPath a = summary(WINDOW + "&groupBy=appId");
        assertThat(group(a, "A")).containsEntry("started", 5).containsEntry("approved", 4);
        assertThat(group(a, "B")).containsEntry("started", 2).containsEntry("approved", 1);
    }

    /** an hour of ten days ago, 16:00 UTC, for the spend figures only */
    static final Instant S = H.plus(Duration.ofHours(6));

    private void record(Instant at, AttemptType type, String vid, String country, String provider, String outcome,
                        String reason, String rule, String app, String detail) {
        log.append(AttemptRecords.at(at.toEpochMilli(), type).verification(vid)
                .phone("+" + ("RU".equals(country) ? "7916" : "7701") + "0000123", country)
                .provider(provider).outcome(outcome).reason(reason).rule(rule).apiKey("test")
                .client("203.0.113.2", "ua", app, "d").detail(detail).build()).await().indefinitely();
    }

    static String costs(double callpass, double yunhu) {
        return "{\"routing\":\"adaptive\",\"providers\":[{\"provider\":\"callpass\",\"cost\":" + callpass
                + "},{\"provider\":\"yunhu\",\"cost\":" + yunhu + "}]}";
    }

    static String prevented(double cost) {
        return "{\"prevented\":{\"provider\":\"callpass\",\"cost\":" + cost + "}}";
    }

    /**
     * Spend per group (each call at its placing provider's cost in its record) and the calls refused starts
     * prevented, by rule, at their would-be cost; a monitor-mode note and a refusal that names no call prevent nothing.
     */
    @Test
    void spendAndPreventedCalls() {
        String run = Long.toHexString(System.nanoTime());
        Instant s = S.plus(Duration.ofMinutes(5));
        record(s, AttemptType.STARTED, "vf_s1" + run, "RU", "callpass", null, null, null, "A", null);
        record(s.plusMillis(100), AttemptType.CALL_PLACED, "vf_s1" + run, "RU", "callpass", null, null, null, "A", costs(0.5, 0.7));
        // its fallback: the second call costs yunhu's price
        record(s.plusSeconds(30), AttemptType.CALL_PLACED, "vf_s1" + run, "RU", "yunhu", null, null, null, "A", costs(0.5, 0.7));
        record(s.plusSeconds(1), AttemptType.STARTED, "vf_s2" + run, "KZ", "callpass", null, null, null, "B", null);
        record(s.plusSeconds(1), AttemptType.CALL_PLACED, "vf_s2" + run, "KZ", "callpass", null, null, null, "B", costs(0.25, 0.3));
        // two refused by the destination limit (RU, app A), one by a rule (KZ, app B)
        record(s.plusSeconds(2), AttemptType.REFUSED, null, "RU", null, null, "rate_limited", "destination", "A", prevented(0.5));
        record(s.plusSeconds(3), AttemptType.REFUSED, null, "RU", null, null, "rate_limited", "destination", "A", prevented(0.5));
        record(s.plusSeconds(4), AttemptType.REFUSED, null, "KZ", null, null, "rule", "rule:r_kz", "B", prevented(0.25));
        // what a monitor-mode rule would have refused, and a refusal without a would-be call: nothing prevented
        record(s.plusSeconds(5), AttemptType.REFUSED, null, "RU", null, "monitor", "rule", "rule:r_mon", "A", prevented(0.5));
        record(s.plusSeconds(6), AttemptType.REFUSED, null, "RU", null, null, "invalid_phone", null, "A", null);
        assertThat(ingester.runOwn().failed()).isFalse();

        String window = "from=" + S + "&to=" + S.plus(Duration.ofHours(1));
        JsonPath c = summary(window + "&groupBy=country");
        assertThat(group(c, "RU")).containsEntry("callsPlaced", 2).containsEntry("spend", 1.2f)
                .containsEntry("prevented", Map.of("calls", 2, "cost", 1.0f,
                        "byRule", Map.of("destination", Map.of("calls", 2, "cost", 1.0f))));
        assertThat(group(c, "KZ")).containsEntry("callsPlaced", 1).containsEntry("spend", 0.25f)
                .containsEntry("prevented", Map.of("calls", 1, "cost", 0.25f,
                        "byRule", Map.of("rule:r_kz", Map.of("calls", 1, "cost", 0.25f))));
        assertThat(c.getMap("total")).containsEntry("spend", 1.45f).containsEntry("prevented", Map.of("calls", 3,
                "cost", 1.25f, "byRule", Map.of("destination", Map.of("calls", 2, "cost", 1.0f),
                        "rule:r_kz", Map.of("calls", 1, "cost", 0.25f))));
        JsonPath p = summary(window + "&groupBy=provider");
        assertThat(group(p, "callpass")).containsEntry("spend", 0.75f);
        assertThat(group(p, "yunhu")).containsEntry("spend", 0.7f);
        JsonPath a = summary(window + "&groupBy=appId");
        assertThat(group(a, "A")).containsEntry("spend", 1.2f);
        assertThat(group(a, "B")).containsEntry("spend", 0.25f);
        JsonPath x = summary(window + "&groupBy=prefix");
        assertThat(x.getFloat("total.spend")).isEqualTo(1.45f);
        // the other test's hours hold no spend and prevent nothing (no cost in their records)
        assertThat(summary(WINDOW + "&groupBy=day").getMap("total.prevented"))
                .isEqualTo(Map.of("calls", 0, "cost", 0.0f, "byRule", Map.of()));
    }

    @Test
    void aWindowWithNothingIsEmptyNotAnError() {
        JsonPath s = summary("from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z&groupBy=country");
        assertThat(s.getList("groups")).isEmpty();
        assertThat(s.getMap("total")).containsEntry("started", 0).containsEntry("conversionRate", null)
                .containsEntry("medianSecondsToApprove", null);
    }
}
