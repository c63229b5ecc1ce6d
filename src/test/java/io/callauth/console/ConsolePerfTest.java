package io.callauth.console;

import io.callauth.common.MutableClock;
import io.callauth.verification.Api;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A measurement, not part of the default run ({@code -Dconsole.perf=true}): about 16 days of seeded traffic (a few
 * hundred thousand records) in the archive, then each page's server time as the page reports it (median of 5 warm
 * requests, from the console's Server-Timing header: rendering included), asserted under 100 ms.
 */
@QuarkusTest
@EnabledIfSystemProperty(named = "console.perf", matches = "true")
class ConsolePerfTest {

    private static final Pattern SERVER_TIMING = Pattern.compile("app;dur=([0-9.]+)");

    @Inject
    DaySeeder seeder;
    @Inject
    MutableClock clock;

    @Test
    void everyPageAnswersWithin100msOnAFewHundredThousandRecords() throws Exception {
        clock.reset();
        Instant now = clock.instant();
        Instant base = now.plus(Duration.ofDays(800)).truncatedTo(ChronoUnit.HOURS).plus(Duration.ofMinutes(30));
        clock.advance(Duration.between(now, base));
        long records = 0;
        long t0 = System.nanoTime();
        try {
            for (int k = 7; k >= 0; k--) {
                clock.reset();
                clock.advance(Duration.between(clock.instant(), base.minus(Duration.ofDays(2L * k))));
                records += seeder.seed().records() * 5L / 3; // and the quieter day before
            }
            System.out.printf("seeded about %d records in %d s%n", records, (System.nanoTime() - t0) / 1_000_000_000);
            ConsoleHttp.Session s = ConsoleHttp.signIn(Api.FRAUD_KEY);
            Map<String, String> pages = new LinkedHashMap<>();
            for (String w : List.of("15m", "1h", "24h", "7d", "30d")) {
                pages.put("overview " + w, "/console?window=" + w);
            }
            pages.put("overview custom 3 days", "/console?window=custom&from="
                    + OverviewWindow.local(base.minus(Duration.ofDays(3))) + "&to=" + OverviewWindow.local(base));
            pages.put("attempts", "/console/attempts");
            pages.put("attempts by phone", "/console/attempts?phone=" + DaySeeder.BOMBED_PHONE.replace("+", "%2B"));
            pages.put("attempts by app", "/console/attempts?appId=" + DaySeeder.PUMPING_APP);
            pages.put("attempts by prefix", "/console/attempts?prefix=" + DaySeeder.PUMPED_PREFIX);
            pages.put("attempts by app and type", "/console/attempts?appId=bank&type=approved");
            pages.put("attempts by country and type", "/console/attempts?country=KZ&type=refused");
            // the filter's count and top values (the fragment the attempts page loads after it is shown)
            pages.put("stats, no filter (last 24 h)", "/console/attempts/stats");
            pages.put("stats by app", "/console/attempts/stats?appId=" + DaySeeder.PUMPING_APP);
            pages.put("stats by prefix", "/console/attempts/stats?prefix=" + DaySeeder.PUMPED_PREFIX);
            Map<String, Long> medians = new LinkedHashMap<>();
            for (var p : pages.entrySet()) {
                List<Long> times = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    long start = System.nanoTime();
                    var response = s.given().urlEncodingEnabled(false).get(p.getValue()).then().statusCode(200).extract();
                    long wall = (System.nanoTime() - start) / 1_000_000;
                    Matcher m = SERVER_TIMING.matcher(response.header("Server-Timing"));
                    assertThat(m.find()).isTrue();
                    long server = Math.round(Double.parseDouble(m.group(1)));
                    if (i > 0) {
                        times.add(server);
                    }
                    if (i == 7) {
                        System.out.printf("%-30s server %3d ms, wall %3d ms%n", p.getKey(), server, wall);
                    }
                }
                times.sort(Long::compare);
                medians.put(p.getKey(), times.get(times.size() / 2));
            }
            System.out.println("median server times (Server-Timing, rendering included; ms): " + medians);
            assertThat(medians).allSatisfy((k, v) -> assertThat(v).as(k).isLessThan(100));
        } finally {
            clock.reset();
        }
    }
}
