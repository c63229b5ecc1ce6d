package io.callauth.attempts;

import io.callauth.common.MutableClock;
import io.callauth.provider.callpass.CallPassEmulator;
import io.callauth.provider.callpass.CallPassEmulatorResource;
import io.callauth.verification.Api;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * The fraud team's attempt API against the real archive: flows run through the public API, the ingester moves their
 * records from the Redis Stream into PostgreSQL, and every filter, the paging, the export and bad input are checked.
 */
@QuarkusTest
@QuarkusTestResource(CallPassEmulatorResource.class)
class AttemptsApiTest {

    @Inject
    AttemptIngester ingester;
    @Inject
    MutableClock clock;
    @Inject
    AttemptArchive archive;

    CallPassEmulator callpass;
    /** this run's own values, so that records of other tests never match */
    final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void setUp() {
        callpass = CallPassEmulatorResource.emulator();
        callpass.reset();
        clock.reset();
    }

    static String start(String phone, String ip, String app, String device) {
        return Api.verify().body("{\"phone\":\"" + phone + "\",\"context\":{\"ip\":\"" + ip + "\",\"userAgent\":\"ua/1\","
                + "\"appId\":\"" + app + "\",\"deviceId\":\"" + device + "\"}}").post("/v1/verifications")
                .then().statusCode(201).extract().path("id");
    }

    private String codeOf(String phone) {
        String dn = phone.substring(1);
        return callpass.calls().stream().filter(c -> c.dn().equals(dn)).reduce((a, b) -> b).orElseThrow().code(4);
    }

    private void ingest() {
        AttemptIngester.Run r = ingester.runOwn();
        assertThat(r.failed()).as("ingest failed: " + ingester.status().lastError()).isFalse();
    }

    static JsonPath list(String query) {
        return Api.as(Api.FRAUD_KEY).get("/v1/attempts?" + query).then().statusCode(200).extract().jsonPath();
    }

    static List<Map<String, Object>> items(String query) {
        return list(query).getList("items");
    }

    static Set<Object> values(List<Map<String, Object>> items, String field) {
        Set<Object> s = new HashSet<>();
        items.forEach(i -> s.add(i.get(field)));
        return s;
    }

    @Test
    void everyFilterFindsExactlyItsRecords() {
        String phoneA = Api.newPhone();
        String phoneB = Api.newPhone();
        String app1 = "app1-" + run, app2 = "app2-" + run, dev1 = "dev1-" + run, dev2 = "dev2-" + run;
        int r = Math.floorMod(run.hashCode(), 250);
        String ip1 = "100.64." + r + ".11", ip2 = "100.64." + r + ".22";
        Instant before = clock.instant().minusSeconds(1);
        String v1 = start(phoneA, ip1, app1, dev1);
        Api.check(v1, codeOf(phoneA)).statusCode(200).body("status", equalTo("approved"));
        String v2 = start(phoneB, ip2, app2, dev2);
        Api.check(v2, Api.wrong(codeOf(phoneB))).statusCode(200).body("valid", equalTo(false));
        Api.verify().body("{\"phone\":\"12345\",\"context\":{\"appId\":\"" + app1 + "\"}}").post("/v1/verifications")
                .then().statusCode(400);
        ingest();

        List<Map<String, Object>> byApp = items("appId=" + app1);
        assertThat(values(byApp, "appId")).containsExactly(app1);
        assertThat(values(byApp, "type")).containsExactlyInAnyOrder("started", "call_placed", "check", "approved", "refused");
        assertThat(values(byApp, "verificationId")).containsExactlyInAnyOrder(v1, null);
        assertThat(byApp).allSatisfy(i -> assertThat(i).containsKey("id").containsKey("at").doesNotContainKey("code"));
        Map<String, Object> refused = byApp.stream().filter(i -> i.get("type").equals("refused")).findFirst().orElseThrow();
        assertThat(refused).containsEntry("reason", "invalid_phone").containsEntry("apiKey", "test");

        // the phone filter takes any format and normalises it
        String national = "8 " + phoneA.substring(2, 5) + " " + phoneA.substring(5, 8) + "-" + phoneA.substring(8, 10)
                + "-" + phoneA.substring(10);
        List<Map<String, Object>> byPhone = items("phone=" + national);
        assertThat(values(byPhone, "phone")).containsExactly(phoneA);
        assertThat(values(byPhone, "verificationId")).containsExactly(v1);
        assertThat(byPhone).hasSize(4);

        assertThat(values(items("ip=" + ip2), "verificationId")).containsExactly(v2);
        assertThat(items("ip=" + ip2)).hasSize(3); // started, call_placed, check
        assertThat(items("deviceId=" + dev2)).isEqualTo(items("ip=" + ip2));
        assertThat(values(items("verificationId=" + v1), "verificationId")).containsExactly(v1);
        assertThat(items("verificationId=" + v1)).hasSize(4);
        assertThat(items("appId=" + app1 + "&type=approved")).hasSize(1).allSatisfy(i ->
                assertThat(i).containsEntry("verificationId", v1).containsEntry("country", "RU")
                        .containsEntry("prefix", phoneA.substring(1, 9)).containsEntry("provider", "callpass"));
        assertThat(items("appId=" + app1 + "&apiKey=test")).hasSize(5);
        assertThat(items("appId=" + app1 + "&apiKey=fraud")).isEmpty();
        assertThat(values(items("appId=" + app1 + "&provider=callpass"), "type"))
                .containsExactlyInAnyOrder("started", "call_placed", "check", "approved");
        assertThat(items("appId=" + app1 + "&country=RU")).hasSize(4);
        assertThat(items("appId=" + app2 + "&outcome=invalid")).hasSize(1);
        assertThat(items("appId=" + app2 + "&outcome=valid")).isEmpty();
        assertThat(items("appId=" + app1 + "&from=" + before)).hasSize(5);
        assertThat(items("appId=" + app1 + "&to=" + before)).isEmpty();
        assertThat(items("appId=" + app1 + "&from=" + clock.instant().plusSeconds(60))).isEmpty();
    }

    @Test
    void pagingByTwoEqualsOnePageNewestFirst() {
        String app = "paging-" + run;
        for (int i = 0; i < 3; i++) {
            String phone = Api.newPhone();
            String id = start(phone, "203.0.113.7", app, "d" + i);
            Api.check(id, Api.wrong(codeOf(phone))).statusCode(200);
        }
        ingest();
        JsonPath one = list("appId=" + app + "&limit=1000");
        List<String> all = one.getList("items.id");
        assertThat(all).hasSize(9);
        assertThat(one.getString("next")).isNull();
        List<String> at = one.getList("items.at");
        for (int i = 1; i < at.size(); i++) {
            assertThat(Instant.parse(at.get(i))).isBeforeOrEqualTo(Instant.parse(at.get(i - 1)));
        }
        List<String> paged = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonPath page = list("appId=" + app + "&limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
            List<String> ids = page.getList("items.id");
            assertThat(ids.size()).isLessThanOrEqualTo(2);
            paged.addAll(ids);
            cursor = page.getString("next");
            pages++;
        } while (cursor != null && pages < 20);
        assertThat(paged).isEqualTo(all);
        assertThat(pages).isEqualTo(5);
        // the default page is 100
        assertThat(list("appId=" + app).getList("items")).hasSize(9);
    }

    @Test
    void aRecordsDetailIsArchivedAndServedAsJsonThroughTheCopyAndTheInsertPath() throws Exception {
        String app = "detail-" + run;
        long ms = clock.millis();
        String detail = "{\"dimension\":\"prefix\",\"starts\":42,\"conversion\":0.02,\"note\":\"tab\\there\"}";
        AttemptRecord r = AttemptRecords.at(ms, AttemptType.STARTED).verification("vf_" + app).apiKey("fraud")
                .client(null, null, app, null).detail(detail).build();
        // the first batch goes through COPY; the second holds the first's id again, so COPY fails on the key and the
        // batch is inserted row by row (ON CONFLICT DO NOTHING): both paths must carry the detail
        assertThat(archive.store(List.of(new AttemptLog.Entry(ms + "-1", r))).inserted()).isEqualTo(1);
        assertThat(archive.store(List.of(new AttemptLog.Entry(ms + "-1", r), new AttemptLog.Entry(ms + "-2", r)))
                .inserted()).isEqualTo(1);
        JsonPath page = list("appId=" + app);
        assertThat(page.getList("items")).hasSize(2);
        for (int i = 0; i < 2; i++) {
            assertThat(page.getInt("items[" + i + "].detail.starts")).isEqualTo(42);
            assertThat(page.getString("items[" + i + "].detail.dimension")).isEqualTo("prefix");
            assertThat(page.getString("items[" + i + "].detail.note")).isEqualTo("tab\there");
        }
    }

    @Test
    void withinOneMillisecondNewestFirstFollowsTheStreamPositionAsANumberAndPagingKeepsIt() throws Exception {
        String app = "same-ms-" + run;
        long ms = clock.millis();
        // 12 records of one millisecond in one shard ("…-10" and "…-11" sort before "…-9" as text), stored out of
        // order, and one of the millisecond before with a higher sequence
        List<AttemptLog.Entry> batch = new ArrayList<>();
        for (int seq : new int[]{3, 11, 0, 7, 10, 1, 9, 2, 5, 8, 4, 6}) {
            batch.add(new AttemptLog.Entry(ms + "-" + seq, new AttemptRecord(ms, "check", "vf_" + app, null, null, null,
                    "sandbox", "flashcall", "invalid", null, null, "fraud", null, null, app, null)));
        }
        batch.add(new AttemptLog.Entry((ms - 1) + "-12", new AttemptRecord(ms - 1, "started", "vf_" + app, null, null,
                null, "sandbox", "flashcall", null, null, null, "fraud", null, null, app, null)));
        assertThat(archive.store(batch).inserted()).isEqualTo(13);
        List<String> expected = new ArrayList<>();
        for (int seq = 11; seq >= 0; seq--) {
            expected.add(ms + "-" + seq);
        }
        expected.add((ms - 1) + "-12");

        assertThat(list("appId=" + app + "&limit=1000").<String>getList("items.id")).isEqualTo(expected);
        // paging by 1, 2, 5 and 12: every page boundary falls inside the millisecond at least once
        for (int limit : new int[]{1, 2, 5, 12}) {
            List<String> paged = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                JsonPath page = list("appId=" + app + "&limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor));
                paged.addAll(page.getList("items.id"));
                cursor = page.getString("next");
                pages++;
            } while (cursor != null && pages < 20);
            assertThat(paged).as("pages of %d", limit).isEqualTo(expected);
            assertThat(pages).as("pages of %d", limit).isEqualTo((expected.size() + limit - 1) / limit);
        }
        // the export has the same order
        String ndjson = Api.as(Api.FRAUD_KEY).accept("application/x-ndjson").get("/v1/attempts/export?appId=" + app)
                .then().statusCode(200).extract().asString();
        assertThat(ndjson.lines().map(l -> JsonPath.from(l).getString("id")).toList()).isEqualTo(expected);
        // a cursor of the earlier order (time and id, "a1") is refused rather than read in the new one
        String a1 = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("a1:" + ms + ":" + ms + "-9").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Api.as(Api.FRAUD_KEY).get("/v1/attempts?appId=" + app + "&cursor=" + a1).then().statusCode(400)
                .body("code", equalTo("invalid_request"));
    }

    @Test
    void exportStreamsWhatTheListShows() {
        String app = "export-" + run;
        for (int i = 0; i < 3; i++) {
            start(Api.newPhone(), "203.0.113.8", app, "e" + i);
        }
        Api.verify().body("{\"phone\":\"+1 202 555 0143\",\"context\":{\"appId\":\"" + app + "\",\"userAgent\":\"=cmd|x,\\\"y\"}}")
                .post("/v1/verifications").then().statusCode(403);
        ingest();
        List<String> listed = list("appId=" + app + "&limit=1000").getList("items.id");
        assertThat(listed).hasSize(7);

        String csv = Api.as(Api.FRAUD_KEY).accept("text/csv").get("/v1/attempts/export?appId=" + app).then()
                .statusCode(200).contentType(org.hamcrest.Matchers.startsWith("text/csv"))
                .header("Content-Disposition", org.hamcrest.Matchers.containsString("attachment")).extract().asString();
        String[] lines = csv.split("\r\n");
        assertThat(lines[0]).isEqualTo(String.join(",", Attempt.COLUMNS));
        assertThat(lines).hasSize(listed.size() + 1);
        for (int i = 0; i < listed.size(); i++) {
            assertThat(lines[i + 1]).startsWith(listed.get(i) + ",");
        }
        // a cell a spreadsheet would run as a formula is defused, and quoting follows RFC 4180
        assertThat(csv).contains("\"'=cmd|x,\"\"y\"");

        String ndjson = Api.as(Api.FRAUD_KEY).accept("application/x-ndjson").get("/v1/attempts/export?appId=" + app)
                .then().statusCode(200).contentType(org.hamcrest.Matchers.startsWith("application/x-ndjson"))
                .extract().asString();
        String[] rows = ndjson.split("\n");
        assertThat(rows).hasSize(listed.size());
        for (int i = 0; i < rows.length; i++) {
            assertThat(JsonPath.from(rows[i]).getString("id")).isEqualTo(listed.get(i));
        }
        // a link (the console's) chooses the format with a parameter
        String viaParam = Api.as(Api.FRAUD_KEY).get("/v1/attempts/export?format=ndjson&appId=" + app).then()
                .statusCode(200).extract().asString();
        assertThat(viaParam.split("\n")).hasSize(listed.size());
    }

    /**
     * {@code from} and {@code to} as every client writes them: the generated Python client sends
     * {@code 2026-12-01T00:00:00.000000+0000} (strftime {@code %z}: no colon), JavaScript {@code toISOString()} a
     * {@code Z} with milliseconds, Java {@code +03:00}. Each names the same instant in the list, the summary and the
     * export. (Query parameters go through {@code queryParam}, so a {@code +} arrives as {@code %2B}, not a space.)
     */
    @Test
    void fromAndToTakeEveryOffsetForm() {
        String app = "offsets-" + run;
        Instant before = clock.instant().minusSeconds(1).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        String phone = Api.newPhone();
        start(phone, "203.0.113.9", app, "o1");
        ingest();
        Instant after = clock.instant().plusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        int all = items("appId=" + app).size();
        assertThat(all).isEqualTo(2); // started, call_placed

        for (String from : offsetForms(before)) {
            for (String to : offsetForms(after)) {
                assertThat(Api.as(Api.FRAUD_KEY).queryParam("appId", app).queryParam("from", from)
                        .queryParam("to", to).get("/v1/attempts").then().statusCode(200).extract().jsonPath()
                        .getList("items")).as(from + " .. " + to).hasSize(all);
            }
            // the same instant as the end of the window: nothing before it
            assertThat(Api.as(Api.FRAUD_KEY).queryParam("appId", app).queryParam("to", from).get("/v1/attempts")
                    .then().statusCode(200).extract().jsonPath().getList("items")).as("to=" + from).isEmpty();
            assertThat(Api.as(Api.FRAUD_KEY).queryParam("appId", app).queryParam("from", from)
                    .queryParam("format", "ndjson").get("/v1/attempts/export").then().statusCode(200).extract()
                    .asString().split("\n")).as("export from=" + from).hasSize(all);
        }

        Instant h = Instant.parse("2026-12-01T00:00:00Z");
        String byZ = Api.as(Api.FRAUD_KEY).queryParam("from", h.toString())
                .queryParam("to", h.plus(java.time.Duration.ofHours(2)).toString()).queryParam("groupBy", "hour")
                .get("/v1/attempts/summary").then().statusCode(200).extract().asString();
        List<String> froms = offsetForms(h);
        List<String> tos = offsetForms(h.plus(java.time.Duration.ofHours(2)));
        for (int i = 0; i < froms.size(); i++) {
            assertThat(Api.as(Api.FRAUD_KEY).queryParam("from", froms.get(i)).queryParam("to", tos.get(i))
                    .queryParam("groupBy", "hour").get("/v1/attempts/summary").then().statusCode(200).extract()
                    .asString()).as("summary " + froms.get(i)).isEqualTo(byZ);
        }
    }

    /** one instant in each offset form a client may send */
    static List<String> offsetForms(Instant at) {
        var utc = at.atOffset(java.time.ZoneOffset.UTC);
        var msk = at.atOffset(java.time.ZoneOffset.ofHours(3));
        var nyc = at.atOffset(java.time.ZoneOffset.ofHoursMinutes(-4, -30));
        return List.of(at.toString(),
                utc.format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxx")),
                utc.format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx")),
                utc.format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS'000'x")),
                msk.toString(),
                msk.format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSx")),
                msk.format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxx")),
                nyc.format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxx")));
    }

    @Test
    void badFiltersCursorsAndWindowsAreProblems() {
        for (String q : List.of("phon=1", "limit=0", "limit=1001", "limit=ten", "cursor=nonsense", "cursor=YTE6eDp5",
                "from=yesterday", "to=2026-13-01T00:00:00Z", "from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z",
                "type=launched", "phone=12345", "appId=", "appId=a&appId=b")) {
            Api.as(Api.FRAUD_KEY).get("/v1/attempts?" + q).then().statusCode(400)
                    .contentType("application/problem+json").body("code", equalTo("invalid_request"))
                    .body(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("Exception")));
        }
        for (String q : List.of("groupBy=week", "from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z",
                "from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z", "phone=1", "from=now")) {
            Api.as(Api.FRAUD_KEY).get("/v1/attempts/summary?" + q).then().statusCode(400)
                    .contentType("application/problem+json").body("code", equalTo("invalid_request"));
        }
        for (String q : List.of("format=xml", "cursor=" + new AttemptFilter.Cursor(1, 1L << 20, "1-0").encode(), "limit=5x")) {
            Api.as(Api.FRAUD_KEY).get("/v1/attempts/export?" + q).then().statusCode(400)
                    .contentType("application/problem+json").body("code", equalTo("invalid_request"));
        }
    }

    @Test
    void onlyTheFraudRoleReadsTheArchive() {
        for (String path : List.of("/v1/attempts", "/v1/attempts/summary", "/v1/attempts/export")) {
            Api.verify().get(path).then().statusCode(403).body("code", equalTo("forbidden"));
            RestAssured.get(path).then().statusCode(401).body("code", equalTo("unauthorized"));
        }
    }

    @Test
    void everyRefusalIsRecordedWithItsReason() {
        String app = "refusals-" + run;
        String ctx = ",\"context\":{\"appId\":\"" + app + "\"}";
        Api.verify().body("{\"phone\":\"+1 202 555 0143\"" + ctx + "}").post("/v1/verifications").then().statusCode(403);
        Api.verify().body("{\"phone\":\"8 809 505-12-34\"" + ctx + "}").post("/v1/verifications").then().statusCode(403);
        Api.verify().body("{\"phone\":\"+7 916 abc\"" + ctx + "}").post("/v1/verifications").then().statusCode(400);
        Api.verify().body("{\"phone\":\"+79161234567\",\"channel\":\"sms\"" + ctx + "}").post("/v1/verifications")
                .then().statusCode(400);
        Api.verify().header("Idempotency-Key", "has space").body("{\"phone\":\"+79161234567\"" + ctx + "}")
                .post("/v1/verifications").then().statusCode(400);
        ingest();
        List<Map<String, Object>> refused = items("appId=" + app + "&type=refused");
        assertThat(refused).extracting(i -> i.get("reason") + "/" + i.get("rule")).containsExactlyInAnyOrder(
                "country_not_allowed/geo_allowed_regions", "number_type_premium_rate/geo_denied_number_types",
                "invalid_phone/null", "invalid_request/null", "invalid_request/null");
        assertThat(refused).filteredOn(i -> "geo_allowed_regions".equals(i.get("rule")))
                .allSatisfy(i -> assertThat(i).containsEntry("phone", "+12025550143").containsEntry("country", "US"));
    }
}
