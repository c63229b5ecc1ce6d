package io.callauth.rules;

import io.callauth.attempts.AttemptLog;
import io.callauth.attempts.AttemptRecord;
import io.callauth.common.MutableClock;
import io.callauth.provider.callpass.CallPassEmulator;
import io.callauth.provider.callpass.CallPassEmulatorResource;
import io.callauth.verification.Api;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

/** The fraud team's rules through the API: the CRUD, validation, audit, and what they do to starts. */
@QuarkusTest
@QuarkusTestResource(CallPassEmulatorResource.class)
class RulesApiTest {

    @Inject
    MutableClock clock;
    @Inject
    RedisDataSource redis;
    @Inject
    AttemptLog attempts;
    @Inject
    Rules rules;

    CallPassEmulator callpass;

    @BeforeEach
    void setUp() {
        callpass = CallPassEmulatorResource.emulator();
        callpass.reset();
        clock.reset();
        RulesTesting.clear(redis, rules);
    }

    @AfterEach
    void tearDown() {
        clock.reset();
        RulesTesting.clear(redis, rules);
    }

    // ---------------------------------------------------------------- helpers

    static String create(String action, String field, String value, String mode) {
        return Api.as(Api.FRAUD_KEY).body(Map.of("action", action, "match", Map.of(field, value), "mode", mode,
                        "reason", "test " + field))
                .post("/v1/rules").then().statusCode(201).body("id", startsWith("rl_"))
                .body("action", equalTo(action)).body("mode", equalTo(mode)).body("hits", equalTo(0))
                .extract().path("id");
    }

    static ValidatableResponse start(String phone, String ip, String appId, String deviceId) {
        return Api.verify().body(Map.of("phone", phone, "context", Map.of("ip", ip, "appId", appId,
                "deviceId", deviceId))).post("/v1/verifications").then();
    }

    static ValidatableResponse start(String phone) {
        return start(phone, "203.0.113.9", "app-1", "dev-1");
    }

    static void refusedByRule(ValidatableResponse r, String id) {
        r.statusCode(403).body("code", equalTo("destination_not_allowed")).body("reason", equalTo("rule"))
                .body("rule", equalTo("rule:" + id)).body("ruleId", equalTo(id));
    }

    private List<AttemptRecord> records(String phone) {
        return attempts.newest("+", 500).await().indefinitely().stream().map(AttemptLog.Entry::record)
                .filter(r -> phone.equals(r.phone())).toList();
    }

    private void loggedAsRefusedByRule(String phone, String id) {
        assertThat(records(phone)).anySatisfy(r -> {
            assertThat(r.type()).isEqualTo("refused");
            assertThat(r.rule()).isEqualTo("rule:" + id);
            assertThat(r.reason()).isEqualTo("rule");
            assertThat(r.outcome()).isNull();
        }).noneMatch(r -> r.type().equals("started"));
        assertThat(callpass.calls()).noneMatch(c -> phone.substring(1).equals(c.dn()) || phone.equals(c.dn()));
    }

    private long hits(String id) {
        List<Map<String, Object>> items = Api.as(Api.FRAUD_KEY).get("/v1/rules").then().statusCode(200)
                .extract().jsonPath().getList("items");
        return items.stream().filter(m -> id.equals(m.get("id"))).map(m -> ((Number) m.get("hits")).longValue())
                .findFirst().orElseThrow(() -> new AssertionError("rule " + id + " not listed"));
    }

    // ---------------------------------------------------------------- the API

    @Test
    void createListDeleteWithAnAuditTrail() {
        String id = create("block", "phone", "8 (916) 000-11-22", "enforce");
        Api.as(Api.FRAUD_KEY).get("/v1/rules").then().statusCode(200)
                .body("items.size()", equalTo(1))
                .body("items[0].id", equalTo(id))
                .body("items[0].match.phone", equalTo("+79160001122"))
                .body("items[0].createdBy", equalTo("fraud"))
                .body("items[0].createdAt", notNullValue())
                .body("items[0].hits", equalTo(0));
        // and the console's Java API sees the same
        assertThat(rules.list().await().indefinitely()).extracting(Rule::id).containsExactly(id);

        Api.as(Api.FRAUD_KEY).delete("/v1/rules/" + id).then().statusCode(204);
        Api.as(Api.FRAUD_KEY).delete("/v1/rules/" + id).then().statusCode(404).body("code", equalTo("not_found"));
        Api.as(Api.FRAUD_KEY).delete("/v1/rules/nope").then().statusCode(404);
        Api.as(Api.FRAUD_KEY).get("/v1/rules").then().statusCode(200).body("items.size()", equalTo(0));

        Api.as(Api.FRAUD_KEY).get("/v1/rules/audit?limit=2").then().statusCode(200)
                .body("items.size()", equalTo(2))
                .body("items[0].action", equalTo("delete"))
                .body("items[0].actor", equalTo("fraud"))
                .body("items[0].ruleId", equalTo(id))
                .body("items[0].before.id", equalTo(id))
                .body("items[0].before.match.phone", equalTo("+79160001122"))
                .body("items[0].after", equalTo(null))
                .body("items[0].at", notNullValue())
                .body("items[1].action", equalTo("create"))
                .body("items[1].actor", equalTo("fraud"))
                .body("items[1].before", equalTo(null))
                .body("items[1].after.id", equalTo(id))
                .body("items[1].after.reason", equalTo("test phone"));
        Api.as(Api.FRAUD_KEY).get("/v1/rules/audit?limit=0").then().statusCode(400).body("code", equalTo("invalid_request"));
    }

    @Test
    void theConsoleNamesItsOwnUser() {
        Rule r = rules.create(new RuleRequest("allow", Map.of("appId", "console-app"), "monitor", "trial", null),
                "console:alice").await().indefinitely();
        assertThat(r.createdBy()).isEqualTo("console:alice");
        assertThat(rules.delete(r.id(), "console:bob").await().indefinitely()).isTrue();
        List<AuditEntry> audit = rules.audit(10).await().indefinitely();
        assertThat(audit).hasSize(2);
        assertThat(audit.get(0).actor()).isEqualTo("console:bob");
        assertThat(audit.get(0).before().id()).isEqualTo(r.id());
        assertThat(audit.get(0).after()).isNull();
        assertThat(audit.get(1).actor()).isEqualTo("console:alice");
        assertThat(audit.get(1).after().match()).containsEntry("appId", "console-app");
    }

    @Test
    void aVerifyKeyMayNotTouchRules() {
        Api.verify().get("/v1/rules").then().statusCode(403).body("code", equalTo("forbidden"));
        Api.verify().body("{\"action\":\"block\",\"match\":{\"phone\":\"+79160001122\"},\"mode\":\"enforce\",\"reason\":\"x\"}")
                .post("/v1/rules").then().statusCode(403);
        Api.verify().get("/v1/rules/audit").then().statusCode(403);
        Api.verify().delete("/v1/rules/rl_0000000000000000").then().statusCode(403);
        Api.as("wrong").get("/v1/rules").then().statusCode(401);
    }

    @Test
    void badRulesAreRefused() {
        String past = Instant.now().minusSeconds(60).toString();
        String tooLong = "x".repeat(501);
        List<String> bodies = List.of(
                "{\"action\":\"block\",\"match\":{\"ip\":\"10.0.0.0/33\"},\"mode\":\"enforce\",\"reason\":\"r\"}",
                "{\"action\":\"block\",\"match\":{\"ip\":\"10.0.0/8\"},\"mode\":\"enforce\",\"reason\":\"r\"}",
                "{\"action\":\"block\",\"match\":{\"ip\":\"example.com\"},\"mode\":\"enforce\",\"reason\":\"r\"}",
                "{\"action\":\"block\",\"match\":{\"ip\":\"2001:db8::/129\"},\"mode\":\"enforce\",\"reason\":\"r\"}",
                "{\"action\":\"block\",\"match\":{\"email\":\"a@b.c\"},\"mode\":\"enforce\",\"reason\":\"r\"}",
                "{\"action\":\"block\",\"match\":{\"phone\":\"+79160001122\",\"appId\":\"a\"},\"mode\":\"enforce\",\"reason\":\"r\"}",
                "{\"action\":\"block\",\"match\":{},\"mode\":\"enforce\",\"reason\":\"r\"}",
                "{\"action\":\"block\",\"mode\":\"enforce\",\"reason\":\"r\"}",
                "{\"action\":\"block\",\"match\":{\"prefix\":\"79a1\"},\"mode\":\"enforce\",\"reason\":\"r\"}",
                "{\"action\":\"block\",\"match\":{\"phone\":\"not a number\"},\"mode\":\"enforce\",\"reason\":\"r\"}",
                "{\"action\":\"block\",\"match\":{\"country\":\"RUS\"},\"mode\":\"enforce\",\"reason\":\"r\"}",
                "{\"action\":\"block\",\"match\":{\"country\":\"R1\"},\"mode\":\"enforce\",\"reason\":\"r\"}",
                "{\"action\":\"block\",\"match\":{\"phone\":\"+79160001122\"},\"mode\":\"enforce\",\"reason\":\"r\",\"expiresAt\":\"" + past + "\"}",
                "{\"action\":\"block\",\"match\":{\"phone\":\"+79160001122\"},\"mode\":\"enforce\",\"reason\":\"r\",\"expiresAt\":\"tomorrow\"}",
                "{\"action\":\"deny\",\"match\":{\"phone\":\"+79160001122\"},\"mode\":\"enforce\",\"reason\":\"r\"}",
                "{\"action\":\"block\",\"match\":{\"phone\":\"+79160001122\"},\"mode\":\"dry-run\",\"reason\":\"r\"}",
                "{\"action\":\"block\",\"match\":{\"phone\":\"+79160001122\"},\"mode\":\"enforce\",\"reason\":\"" + tooLong + "\"}",
                "{\"action\":\"block\",\"match\":{\"phone\":\"+79160001122\"},\"mode\":\"enforce\"}",
                "{\"action\":\"block\",\"match\":{\"appId\":7},\"mode\":\"enforce\",\"reason\":\"r\"}",
                "{\"action\":\"block\",\"match\":\"+79160001122\",\"mode\":\"enforce\",\"reason\":\"r\"}",
                "{\"action\":\"block\",");
        for (String body : bodies) {
            Api.as(Api.FRAUD_KEY).body(body).post("/v1/rules").then().statusCode(400)
                    .contentType("application/problem+json").body("code", equalTo("invalid_request"));
        }
        Api.as(Api.FRAUD_KEY).get("/v1/rules").then().statusCode(200).body("items.size()", equalTo(0));
        assertThat(rules.audit(10).await().indefinitely()).isEmpty();
        // the edges that are fine
        create("block", "ip", "2001:db8::/32", "monitor");
        create("block", "prefix", "+7916", "monitor");
        create("block", "country", "kz", "monitor");
        Api.as(Api.FRAUD_KEY).body(Map.of("action", "block", "match", Map.of("ip", "192.0.2.1"), "mode", "monitor",
                        "reason", "x".repeat(500), "expiresAt", clock.instant().plusSeconds(60).toString()))
                .post("/v1/rules").then().statusCode(201).body("match.ip", equalTo("192.0.2.1"));
        // expiresAt as a Python client writes a datetime with %z (no colon in the offset), answered in UTC
        java.time.Instant inAnHour = clock.instant().plus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String python = inAnHour.atOffset(java.time.ZoneOffset.ofHours(3))
                .format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxx"));
        Api.as(Api.FRAUD_KEY).body(Map.of("action", "block", "match", Map.of("ip", "192.0.2.2"), "mode", "monitor",
                        "reason", "r", "expiresAt", python))
                .post("/v1/rules").then().statusCode(201).body("expiresAt", equalTo(inAnHour.toString()));
    }

    // ---------------------------------------------------------------- enforcement

    @Test
    void aBlockByPhoneRefusesBeforeAnyCall() {
        String phone = Api.newPhone();
        String other = Api.newPhone();
        String id = create("block", "phone", phone, "enforce");
        refusedByRule(start(phone), id);
        loggedAsRefusedByRule(phone, id);
        start(other).statusCode(201);
        assertThat(hits(id)).isEqualTo(1);
        // deleted: the number may be called again
        Api.as(Api.FRAUD_KEY).delete("/v1/rules/" + id).then().statusCode(204);
        start(phone).statusCode(201);
    }

    @Test
    void aBlockByPrefix() {
        String id = create("block", "prefix", "7916777", "enforce");
        refusedByRule(start("+79167771234"), id);
        loggedAsRefusedByRule("+79167771234", id);
        start("+79167781234").statusCode(201);
    }

    @Test
    void aBlockByCountry() {
        String id = create("block", "country", "KZ", "enforce");
        refusedByRule(start("+77012345678"), id);
        loggedAsRefusedByRule("+77012345678", id);
        start(Api.newPhone()).statusCode(201);
    }

    @Test
    void aBlockByIpRangeV4AndV6() {
        String v4 = create("block", "ip", "198.51.100.0/24", "enforce");
        String v6 = create("block", "ip", "2001:db8::/32", "enforce");
        String p1 = Api.newPhone();
        String p2 = Api.newPhone();
        refusedByRule(start(p1, "198.51.100.77", "app-1", "dev-1"), v4);
        loggedAsRefusedByRule(p1, v4);
        refusedByRule(start(p2, "2001:db8:0:1::5", "app-1", "dev-1"), v6);
        loggedAsRefusedByRule(p2, v6);
        start(Api.newPhone(), "198.51.101.1", "app-1", "dev-1").statusCode(201);
        start(Api.newPhone(), "2001:db9::1", "app-1", "dev-1").statusCode(201);
    }

    @Test
    void aBlockByAppAndByDevice() {
        String app = create("block", "appId", "evil-app", "enforce");
        String device = create("block", "deviceId", "evil-device", "enforce");
        String p1 = Api.newPhone();
        String p2 = Api.newPhone();
        refusedByRule(start(p1, "203.0.113.9", "evil-app", "dev-1"), app);
        loggedAsRefusedByRule(p1, app);
        refusedByRule(start(p2, "203.0.113.9", "app-1", "evil-device"), device);
        loggedAsRefusedByRule(p2, device);
        start(Api.newPhone(), "203.0.113.9", "evil-app-2", "evil-device-2").statusCode(201);
    }

    @Test
    void aMonitorBlockLogsAndLetsTheStartGoOn() {
        String phone = Api.newPhone();
        String id = create("block", "phone", phone, "monitor");
        start(phone).statusCode(201);
        List<AttemptRecord> rs = records(phone);
        assertThat(rs).filteredOn(r -> r.type().equals("refused")).singleElement().satisfies(r -> {
            assertThat(r.rule()).isEqualTo("rule:" + id);
            assertThat(r.reason()).isEqualTo("rule");
            assertThat(r.outcome()).isEqualTo("monitor");
        });
        assertThat(rs).anyMatch(r -> r.type().equals("started"));
        assertThat(callpass.calls()).hasSize(1);
        assertThat(hits(id)).isEqualTo(1);
    }

    @Test
    void anAllowAlsoLetsADeniedNumberTypeThroughButAnEnforcedBlockWins() {
        String premium = "+78095051000";
        start(premium).statusCode(403).body("reason", equalTo("number_type_premium_rate"));
        String allow = create("allow", "prefix", "7809505", "enforce");
        start(premium).statusCode(201);
        String block = create("block", "phone", premium, "enforce");
        refusedByRule(start(premium), block);
        assertThat(hits(allow)).isEqualTo(2);
        assertThat(hits(block)).isEqualTo(1);
    }

    @Test
    void rulesExpireByTheClock() {
        String phone = Api.newPhone();
        String id = Api.as(Api.FRAUD_KEY).body(Map.of("action", "block", "match", Map.of("phone", phone),
                        "mode", "enforce", "reason", "for an hour",
                        "expiresAt", clock.instant().plus(Duration.ofHours(1)).toString()))
                .post("/v1/rules").then().statusCode(201).body("expiresAt", notNullValue()).extract().path("id");
        refusedByRule(start(phone), id);
        clock.advance(Duration.ofMinutes(59));
        refusedByRule(start(phone), id);
        clock.advance(Duration.ofMinutes(1));
        start(phone).statusCode(201);
        Api.as(Api.FRAUD_KEY).get("/v1/rules").then().statusCode(200).body("items.size()", equalTo(0));
        // the timer removes it from Redis too, in the audit trail as an expiry
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(rules.audit(1).await().indefinitely())
                .singleElement().satisfies(e -> {
                    assertThat(e.action()).isEqualTo("expire");
                    assertThat(e.actor()).isEqualTo("system");
                    assertThat(e.before().id()).isEqualTo(id);
                }));
    }

    @Test
    void checksAreNotMatched() {
        String phone = Api.newPhone();
        String id = Api.startId(phone);
        create("block", "phone", phone, "enforce");
        Api.check(id, "0000").statusCode(200);
    }
}
