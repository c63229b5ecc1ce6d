package io.callauth.console;

import io.callauth.attempts.AttemptIngester;
import io.callauth.verification.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With costs configured, end to end through the API: a placed call adds its provider's cost (a country override) to
 * spend; a start refused by a rule (geo: a US number) is a call not placed, counted under its rule at the cost the
 * first provider would have charged for that destination (a prefix override); a start refused for bad input names no
 * destination and prevents nothing. The summary (by a test-own app, so other tests' traffic does not count) and the
 * console's overview show both.
 */
@QuarkusTest
@TestProfile(SpendOverviewTest.Costs.class)
class SpendOverviewTest {

    public static class Costs implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("callauth.providers.callpass.cost", "0.4",
                    "callauth.routing.cost-overrides", "callpass:RU=0.5,callpass:+1212=0.25");
        }
    }

    @Inject
    AttemptIngester ingester;

    static String start(String phone, String app) {
        return "{\"phone\":\"" + phone + "\",\"context\":{\"ip\":\"203.0.113.77\",\"appId\":\"" + app + "\"}}";
    }

    @Test
    void spendAndPreventedCallsInTheSummaryAndOnTheOverview() {
        String app = "spend-" + Long.toHexString(System.nanoTime());
        Api.verify().body(start(Api.newPhone(), app)).post("/v1/verifications").then().statusCode(201);
        Api.verify().body(start("+12125550143", app)).post("/v1/verifications").then().statusCode(403);
        Api.verify().body(start("+12125550144", app)).post("/v1/verifications").then().statusCode(403);
        Api.verify().body(start("12", app)).post("/v1/verifications").then().statusCode(400);

        Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
        String window = "from=" + hour.minus(Duration.ofHours(1)) + "&to=" + hour.plus(Duration.ofHours(1));
        // the call is placed after the start answers: ingest until its record is in
        Map<String, Object> g = await().atMost(Duration.ofSeconds(20)).until(() -> {
            assertThat(ingester.runOwn().failed()).isFalse();
            return group(Api.as(Api.FRAUD_KEY).get("/v1/attempts/summary?groupBy=appId&" + window).then()
                    .statusCode(200).extract().jsonPath(), app);
        }, m -> m != null && ((Number) m.get("callsPlaced")).intValue() == 1);

        assertThat(g).containsEntry("started", 1).containsEntry("spend", 0.5f)
                .containsEntry("refusals", Map.of("geo_allowed_regions", 2, "invalid_phone", 1));
        assertThat(g.get("prevented")).isEqualTo(Map.of("calls", 2, "cost", 0.5f,
                "byRule", Map.of("geo_allowed_regions", Map.of("calls", 2, "cost", 0.5f))));
        // the total holds the group's (and any other traffic's): at least as much
        JsonPath s = Api.as(Api.FRAUD_KEY).get("/v1/attempts/summary?groupBy=appId&" + window).then().statusCode(200)
                .extract().jsonPath();
        assertThat(s.getFloat("total.spend")).isGreaterThanOrEqualTo(0.5f);
        assertThat(s.getInt("total.prevented.calls")).isGreaterThanOrEqualTo(2);
        assertThat(s.getFloat("total.prevented.byRule.geo_allowed_regions.cost")).isGreaterThanOrEqualTo(0.5f);

        ConsoleHttp.Session session = ConsoleHttp.signIn(Api.FRAUD_KEY);
        String html = session.given().get("/console?window=1h").then().statusCode(200).extract().asString();
        assertThat(html).contains("id=\"spend\"", "data-stat=\"spend\"", "data-stat=\"prevented\"",
                "data-stat=\"prevented-cost\"", "id=\"prevented-by-rule\"", "geo_allowed_regions",
                "id=\"spend-by-provider\"", "id=\"spend-by-country\"", "id=\"spend-by-prefix\"",
                "id=\"spend-by-appId\"", "Spend by range");
        // the test's own app in the spend by app, with its call and its spend
        String byApp = html.substring(html.indexOf("id=\"spend-by-appId\""));
        byApp = byApp.substring(0, byApp.indexOf("</table>"));
        assertThat(byApp).contains(">" + app + "</a>");
        String row = byApp.substring(byApp.indexOf(">" + app + "</a>"));
        row = row.substring(0, row.indexOf("</tr>"));
        assertThat(row).contains("<td class=\"num\">1</td>", "<td class=\"num\">0.50</td>");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> group(JsonPath s, String key) {
        List<Map<String, Object>> groups = s.getList("groups");
        return groups.stream().filter(g -> key.equals(g.get("key"))).findFirst().orElse(null);
    }
}
