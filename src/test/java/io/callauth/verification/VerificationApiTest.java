package io.callauth.verification;

import io.callauth.provider.chain.CallTracker;
import io.callauth.attempts.AttemptLog;
import io.callauth.attempts.AttemptRecord;
import io.callauth.common.MutableClock;
import io.callauth.provider.callpass.CallPassEmulator;
import io.callauth.provider.callpass.CallPassEmulatorResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.callauth.verification.Api.check;
import static io.callauth.verification.Api.newPhone;
import static io.callauth.verification.Api.start;
import static io.callauth.verification.Api.startId;
import static io.callauth.verification.Api.verify;
import static io.callauth.verification.Api.wrong;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@QuarkusTestResource(CallPassEmulatorResource.class)
class VerificationApiTest {

    @Inject
    MutableClock clock;
    @Inject
    io.quarkus.redis.datasource.RedisDataSource redis;
    @Inject
    CallTracker tracker;
    @Inject
    AttemptLog attempts;

    CallPassEmulator callpass;

    @BeforeEach
    void setUp() {
        callpass = CallPassEmulatorResource.emulator();
        callpass.reset();
        clock.reset();
    }

    @AfterEach
    void tearDown() {
        clock.reset();
    }

    private String codeOf(String phone) {
        String dn = phone.substring(1);
        return callpass.calls().stream().filter(c -> c.dn().equals(dn)).reduce((a, b) -> b).orElseThrow().code(4);
    }

    @Test
    void startPlacesAnAsyncFlashCallAndAnswersWithoutTheCode() {
        String phone = newPhone();
        String body = start(phone).statusCode(201)
                .header("Location", containsString("/v1/verifications/vf_"))
                .body("status", equalTo("pending"))
                .body("phone", equalTo(phone))
                .body("channel", equalTo("flashcall"))
                .body("callStatus", equalTo("calling"))
                .body("provider", equalTo("callpass"))
                .body("codeLength", equalTo(4))
                .body("attemptsLeft", equalTo(5))
                .body("callsLeft", equalTo(2))
                .extract().asString();
        CallPassEmulator.Call call = callpass.lastCall();
        assertThat(call.version()).isEqualTo("v2");
        assertThat(call.async()).isTrue();
        assertThat(call.dn()).isEqualTo(phone.substring(1));
        assertThat(call.timeout()).isEqualTo(30);
        assertThat(body).doesNotContain(call.digits()).doesNotContain("\"code\"");
        assertThat(callpass.authorizationHeaders()).allMatch(h -> h.equals("Bearer " + CallPassEmulatorResource.TOKEN));
    }

    @Test
    void nationalAndInternationalFormatsNormaliseToE164() {
        for (String raw : List.of("+7 916 123-45-67", "8 (916) 123-45-67", "79161234567", "+79161234567")) {
            start(raw).statusCode(201).body("phone", equalTo("+79161234567"));
        }
        assertThat(callpass.calls()).extracting(CallPassEmulator.Call::dn).containsOnly("79161234567");
    }

    @Test
    void badInputIsAProblemWithAStableCode() {
        verify().body("{\"phone\":\"12345\"}").post("/v1/verifications").then().statusCode(400)
                .contentType("application/problem+json").body("code", equalTo("invalid_phone"));
        verify().body("{\"phone\":\"+7 916 abc\"}").post("/v1/verifications").then().statusCode(400)
                .body("code", equalTo("invalid_phone"));
        verify().body("{\"phone\":").post("/v1/verifications").then().statusCode(400)
                .contentType("application/problem+json").body("code", equalTo("invalid_request"))
                .body(org.hamcrest.Matchers.not(containsString("Exception")));
        verify().body("{}").post("/v1/verifications").then().statusCode(400).body("code", equalTo("invalid_request"));
        verify().body("{\"phone\":{\"n\":1}}").post("/v1/verifications").then().statusCode(400)
                .body("code", equalTo("invalid_request"));
        verify().body("{\"phone\":\"+79161234567\",\"channel\":\"sms\"}").post("/v1/verifications").then()
                .statusCode(400).body("code", equalTo("invalid_request"));
        verify().body("").post("/v1/verifications").then().statusCode(400).body("code", equalTo("invalid_request"));
        verify().body("{\"phone\":\"+1 202 555 0143\"}").post("/v1/verifications").then().statusCode(403)
                .body("code", equalTo("destination_not_allowed"));
        verify().body("{}").post("/v1/verifications/vf_00000000000000000000000000000000/check").then()
                .statusCode(400).body("code", equalTo("invalid_request"));
        verify().body("{\"code\":\"12a4\"}").post("/v1/verifications/vf_00000000000000000000000000000000/check")
                .then().statusCode(400).body("code", equalTo("invalid_request"));
        assertThat(callpass.calls()).isEmpty();
    }

    @Test
    void aCodeThatIsNotDigitsSpendsNoTry() {
        String phone = newPhone();
        String id = startId(phone);
        for (String bad : List.of("\\u0000", " ", "\\t", "12\\u00003", "１２３４", "12a4", "-123")) {
            verify().body("{\"code\":\"" + bad + "\"}").post("/v1/verifications/" + id + "/check").then()
                    .statusCode(400).contentType("application/problem+json").body("code", equalTo("invalid_request"));
        }
        assertThat(Api.view(id)).containsEntry("attemptsLeft", 5).containsEntry("status", "pending");
        // whitespace around the digits is forgiven
        check(id, " " + codeOf(phone) + " ").statusCode(200).body("valid", equalTo(true));
    }

    @Test
    void apiKeysAreRequiredAndCarryRoles() {
        RestAssured.given().contentType(ContentType.JSON).body("{\"phone\":\"+79161234567\"}").post("/v1/verifications")
                .then().statusCode(401).header("WWW-Authenticate", "Bearer").body("code", equalTo("unauthorized"));
        Api.as("not-a-key").body("{\"phone\":\"+79161234567\"}").post("/v1/verifications")
                .then().statusCode(401).body("code", equalTo("unauthorized"));
        Api.as(Api.FRAUD_KEY).body("{\"phone\":\"+79161234567\"}").post("/v1/verifications")
                .then().statusCode(403).body("code", equalTo("forbidden"));
        assertThat(callpass.calls()).isEmpty();
    }

    @Test
    void unknownIdIs404() {
        verify().get("/v1/verifications/vf_00000000000000000000000000000000").then().statusCode(404)
                .body("code", equalTo("not_found"));
        verify().get("/v1/verifications/nonsense").then().statusCode(404).body("code", equalTo("not_found"));
        check("vf_00000000000000000000000000000000", "1234").statusCode(404).body("code", equalTo("not_found"));
        verify().delete("/v1/verifications/vf_00000000000000000000000000000000").then().statusCode(404);
        verify().post("/v1/verifications/vf_00000000000000000000000000000000/resend").then().statusCode(404);
    }

    @Test
    void rightCodeApprovesOnceWrongCodeCountsATry() {
        String phone = newPhone();
        String id = startId(phone);
        String code = codeOf(phone);
        check(id, wrong(code)).statusCode(200).body("valid", equalTo(false)).body("status", equalTo("pending"))
                .body("attemptsLeft", equalTo(4));
        check(id, code).statusCode(200).body("valid", equalTo(true)).body("status", equalTo("approved"));
        check(id, code).statusCode(409).contentType("application/problem+json").body("code", equalTo("already_approved"));
        verify().get("/v1/verifications/" + id).then().statusCode(200).body("status", equalTo("approved"))
                .body("events.type", hasItems("started", "call_placed", "check", "approved"));
    }

    @Test
    void fiveWrongTriesEndTheVerification() {
        String phone = newPhone();
        String id = startId(phone);
        String bad = wrong(codeOf(phone));
        for (int i = 4; i >= 1; i--) {
            check(id, bad).statusCode(200).body("valid", equalTo(false)).body("attemptsLeft", equalTo(i));
        }
        check(id, bad).statusCode(200).body("valid", equalTo(false)).body("status", equalTo("max_attempts_reached"))
                .body("attemptsLeft", equalTo(0));
        check(id, codeOf(phone)).statusCode(409).body("code", equalTo("max_attempts_reached"));
    }

    @Test
    void codeExpiresAfterItsLifetime() {
        String phone = newPhone();
        String id = startId(phone);
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        verify().get("/v1/verifications/" + id).then().statusCode(200).body("status", equalTo("expired"));
        check(id, codeOf(phone)).statusCode(409).body("code", equalTo("expired"));
        // the check that found it expired ended it the way every other path does: ended, code gone, one event
        var hash = redis.hash(String.class).hgetall(VerificationStore.hashKey(id));
        assertThat(hash).containsEntry("status", "expired").containsKey("endedAt").doesNotContainKey("codeMac")
                .containsEntry("expiryLogged", "1");
    }

    @Test
    void cancelEndsAPendingVerification() {
        String phone = newPhone();
        String id = startId(phone);
        verify().delete("/v1/verifications/" + id).then().statusCode(200).body("status", equalTo("canceled"));
        check(id, codeOf(phone)).statusCode(409).body("code", equalTo("canceled"));
        verify().delete("/v1/verifications/" + id).then().statusCode(409).body("code", equalTo("canceled"));
        verify().post("/v1/verifications/" + id + "/resend").then().statusCode(409).body("code", equalTo("canceled"));
    }

    @Test
    void checkByPhoneUsesTheNewestVerification() {
        callpass.nextCodes("3817", "6094"); // two different codes, so the older one is seen to fail
        String phone = newPhone();
        startId(phone);
        String first = codeOf(phone);
        String second = startId(phone);
        String code = codeOf(phone);
        assertThat(first).isEqualTo("3817");
        assertThat(code).isEqualTo("6094");
        verify().body("{\"phone\":\"" + phone + "\",\"code\":\"" + first + "\"}").post("/v1/verifications/check")
                .then().statusCode(200).body("valid", equalTo(false)).body("id", equalTo(second));
        verify().body("{\"phone\":\"8 916 " + phone.substring(5) + "\",\"code\":\"" + code + "\"}")
                .post("/v1/verifications/check").then().statusCode(200).body("valid", equalTo(true))
                .body("id", equalTo(second));
        verify().body("{\"phone\":\"" + newPhone() + "\",\"code\":\"1234\"}").post("/v1/verifications/check")
                .then().statusCode(404).body("code", equalTo("not_found"));
    }

    @Test
    void resendPlacesANewCallWithANewCodeWithinTheBudget() {
        callpass.nextCodes("2958", "7146"); // the resend's code differs, so the old one is seen to fail
        String phone = newPhone();
        String id = startId(phone);
        String old = codeOf(phone);
        verify().post("/v1/verifications/" + id + "/resend").then().statusCode(200).body("callsLeft", equalTo(1))
                .body("provider", equalTo("callpass"));
        String fresh = codeOf(phone);
        assertThat(callpass.calls()).hasSize(2);
        assertThat(old).isEqualTo("2958");
        assertThat(fresh).isEqualTo("7146");
        check(id, old).statusCode(200).body("valid", equalTo(false));
        verify().post("/v1/verifications/" + id + "/resend").then().statusCode(200).body("callsLeft", equalTo(0));
        verify().post("/v1/verifications/" + id + "/resend").then().statusCode(429)
                .header("Retry-After", notNullValue()).body("code", equalTo("rate_limited"))
                .body("rule", equalTo("verification_calls"));
        assertThat(callpass.calls()).hasSize(3);
        check(id, codeOf(phone)).statusCode(200).body("valid", equalTo(true));
    }

    @Test
    void idempotencyKeyReplaysTheSameVerification() {
        String phone = newPhone();
        String key = "idem-" + phone;
        String id = verify().header("Idempotency-Key", key).body("{\"phone\":\"" + phone + "\"}")
                .post("/v1/verifications").then().statusCode(201).header("Idempotent-Replayed", nullValue())
                .extract().path("id");
        verify().header("Idempotency-Key", key).body("{\"phone\":\"" + phone + "\"}").post("/v1/verifications")
                .then().statusCode(201).header("Idempotent-Replayed", "true").body("id", equalTo(id));
        verify().header("Idempotency-Key", key).body("{\"phone\":\"" + newPhone() + "\"}").post("/v1/verifications")
                .then().statusCode(422).body("code", equalTo("idempotency_conflict"));
        assertThat(callpass.calls()).hasSize(1);
    }

    @Test
    void refusedCallFailsTheVerificationWith503() {
        callpass.refuseCalls("destination not allowed");
        String id = start(newPhone()).statusCode(503).contentType("application/problem+json")
                .header("Retry-After", notNullValue())
                .body("code", equalTo("providers_unavailable")).extract().path("verificationId");
        verify().get("/v1/verifications/" + id).then().statusCode(200).body("status", equalTo("failed"))
                .body("events.type", hasItems("started", "call_failed", "failed"));
        check(id, "1234").statusCode(409).body("code", equalTo("failed"));
    }

    @Test
    void providerHttpErrorIs503() {
        callpass.failWithHttp(500);
        start(newPhone()).statusCode(503).body("code", equalTo("providers_unavailable"));
    }

    @Test
    void pollingFollowsTheCallToItsOutcome() {
        callpass.pollsBeforeFinal(1).finalResult("NO_ANSWER");
        String phone = newPhone();
        String id = startId(phone);
        String callid = callpass.lastCall().callid();
        clock.advance(Duration.ofSeconds(2));
        tracker.drain(20).await().indefinitely();
        verify().get("/v1/verifications/" + id).then().body("callStatus", equalTo("calling"));
        assertThat(callpass.statusPolls(callid)).isEqualTo(1);
        clock.advance(Duration.ofSeconds(2));
        tracker.drain(20).await().indefinitely();
        verify().get("/v1/verifications/" + id).then().body("callStatus", equalTo("delivered"))
                .body("events.type", hasItems("call_outcome"));
        assertThat(callpass.statusPolls(callid)).isEqualTo(2);
        clock.advance(Duration.ofSeconds(10));
        tracker.drain(20).await().indefinitely();
        assertThat(callpass.statusPolls(callid)).as("no poll after a final status").isEqualTo(2);
    }

    @Test
    void everyStepLandsInTheAttemptLogWithTheClientContext() {
        String phone = newPhone();
        String id = startId(phone);
        String code = codeOf(phone);
        check(id, wrong(code)).statusCode(200);
        check(id, code).statusCode(200);
        verify().body("{\"phone\":\"+44 20 7946 0958\",\"context\":{\"ip\":\"198.51.100.1\"}}").post("/v1/verifications")
                .then().statusCode(403);
        List<AttemptRecord> mine = attempts.newest("+", 200).await().indefinitely().stream()
                .map(AttemptLog.Entry::record).filter(r -> id.equals(r.verificationId())).toList();
        assertThat(mine).extracting(AttemptRecord::type)
                .contains("started", "call_placed", "check", "approved");
        assertThat(mine).filteredOn(r -> r.type().equals("check")).extracting(AttemptRecord::outcome)
                .containsExactlyInAnyOrder("invalid", "valid");
        AttemptRecord started = mine.stream().filter(r -> r.type().equals("started")).findFirst().orElseThrow();
        assertThat(started.phone()).isEqualTo(phone);
        assertThat(started.country()).isEqualTo("RU");
        assertThat(started.prefix()).isEqualTo(phone.substring(1, 9));
        assertThat(started.ip()).isEqualTo("203.0.113.9");
        assertThat(started.userAgent()).isEqualTo("test/1");
        assertThat(started.appId()).isEqualTo("app-1");
        assertThat(started.deviceId()).isEqualTo("dev-1");
        assertThat(started.apiKey()).isEqualTo("test");
        AttemptRecord placed = mine.stream().filter(r -> r.type().equals("call_placed")).findFirst().orElseThrow();
        assertThat(placed.provider()).isEqualTo("callpass");
        assertThat(attempts.newest("+", 50).await().indefinitely()).extracting(AttemptLog.Entry::record)
                .anyMatch(r -> r.type().equals("refused") && "198.51.100.1".equals(r.ip())
                        && "country_not_allowed".equals(r.reason()) && "geo_allowed_regions".equals(r.rule()));
    }

    @Test
    void operationsEndpoints() {
        startId(newPhone());
        io.callauth.common.Management.given().get("/q/health/ready").then().statusCode(200).body(containsString("\"redis\""))
                .body(containsString("providers")).body(containsString("circuit"));
        io.callauth.common.Management.given().get("/q/metrics").then().statusCode(200)
                .body(containsString("callauth_verifications_started_total"))
                .body(containsString("# HELP callauth_verifications_started verifications started"))
                .body(containsString("# HELP callauth_attempts_backlog records in the Redis Stream"))
                .body(containsString("provider_request_seconds"));
        io.callauth.common.Management.given().get("/q/openapi").then().statusCode(200).body(containsString("/v1/verifications"));
        // none of it on the API port but the readiness status (for load balancers), without the checks' details
        for (String path : List.of("/q/health/live", "/q/health", "/q/metrics", "/q/openapi")) {
            RestAssured.get(path).then().statusCode(404);
        }
        RestAssured.get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks", org.hamcrest.Matchers.nullValue());
    }
}
