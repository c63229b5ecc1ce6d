package io.callauth.verification;

import io.callauth.provider.Tracking;
import io.callauth.provider.chain.CallTracker;
import io.callauth.common.MutableClock;
import io.callauth.provider.callpass.CallPassEmulator;
import io.callauth.provider.callpass.CallPassEmulatorResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.callauth.verification.Api.at;
import static io.callauth.verification.Api.check;
import static io.callauth.verification.Api.codeReplaced;
import static io.callauth.verification.Api.events;
import static io.callauth.verification.Api.newPhone;
import static io.callauth.verification.Api.sandboxCode;
import static io.callauth.verification.Api.verify;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** Each fallback trigger: which provider placed the next call, old code dead, new code good, and how fast. */
@QuarkusTest
@TestProfile(FallbackProfile.class)
@QuarkusTestResource(CallPassEmulatorResource.class)
class FallbackTest {

    @Inject
    MutableClock clock;
    @Inject
    CallTracker tracker;

    CallPassEmulator callpass;

    @BeforeEach
    void setUp() {
        callpass = CallPassEmulatorResource.emulator();
        callpass.reset();
        CircuitBreakerMaintenance.get().resetAll();
        Tracking.drainEverything(tracker, clock);
    }

    @AfterEach
    void tearDown() {
        clock.reset();
        CircuitBreakerMaintenance.get().resetAll();
    }

    private String startExpectingSandbox(String phone) {
        String body = Api.start(phone).statusCode(201).body("provider", equalTo("sandbox")).extract().asString();
        return JsonPath.from(body).getString("id");
    }

    private void assertFellBackPromptly(String id, String reason) {
        List<Map<String, Object>> ev = events(id);
        assertThat(ev).anySatisfy(e -> {
            assertThat(e.get("type")).isEqualTo("call_failed");
            assertThat(e.get("provider")).isEqualTo("callpass");
            assertThat(e.get("reason")).isEqualTo(reason);
        });
        // the clock is real time (plus an offset this test leaves alone): the failure is detected within the
        // 500 ms request timeout, and the sandbox is called the moment it is, not after any wait
        Duration detected = Duration.between(at(ev, "started", null), at(ev, "call_failed", "callpass"));
        assertThat(detected).as("started -> call_failed").isLessThan(Duration.ofMillis(500 + 1000));
        Duration gap = Duration.between(at(ev, "call_failed", "callpass"), at(ev, "call_placed", "sandbox"));
        assertThat(gap).as("call_failed -> next call_placed").isLessThan(Duration.ofSeconds(1));
    }

    /** one tracking round of clock time: a fallback put off to a later round shows a gap of at least this */
    private static final Duration ROUND = Duration.ofSeconds(2);

    /** the next provider's call followed the outcome in the same tracking round, the clock moved on since */
    private void followedAtOnce(String id) {
        Tracking.run(tracker, clock, Duration.ofSeconds(6), ROUND); // later rounds, where a waiting fallback would land
        List<Map<String, Object>> ev = events(id);
        java.time.Instant outcome = ev.stream().filter(e -> "call_outcome".equals(e.get("type"))).findFirst()
                .map(e -> java.time.Instant.parse(e.get("at").toString())).orElseThrow(); // CallPass's, the first
        assertThat(Duration.between(outcome, at(ev, "call_placed", "sandbox")))
                .as("call_outcome -> next call_placed").isLessThan(ROUND.dividedBy(2));
    }

    @Test
    void refusedCallFallsThrough() {
        callpass.refuseCalls("destination not allowed");
        String phone = newPhone();
        String id = startExpectingSandbox(phone);
        assertFellBackPromptly(id, "refused");
        check(id, sandboxCode(phone)).statusCode(200).body("valid", equalTo(true));
    }

    @Test
    void http5xxFallsThrough() {
        callpass.failWithHttp(503);
        String phone = newPhone();
        String id = startExpectingSandbox(phone);
        assertFellBackPromptly(id, "error");
        check(id, sandboxCode(phone)).statusCode(200).body("valid", equalTo(true));
    }

    @Test
    void timeoutFallsThrough() {
        callpass.delayResponses(Duration.ofSeconds(2));
        String phone = newPhone();
        String id = startExpectingSandbox(phone);
        assertFellBackPromptly(id, "timeout");
    }

    @Test
    void openCircuitSkipsTheProviderWithoutCallingIt() {
        callpass.failWithHttp(500);
        for (int i = 0; i < 4; i++) {
            startExpectingSandbox(newPhone());
        }
        int before = callpass.requestCount();
        String phone = newPhone();
        String id = startExpectingSandbox(phone);
        assertThat(callpass.requestCount()).as("an open circuit sends nothing").isEqualTo(before);
        assertFellBackPromptly(id, "circuit_open");
        io.callauth.common.Management.given().get("/q/health/ready").then().body(org.hamcrest.Matchers.containsString("not usable; circuit open"));
    }

    @Test
    void slowPollsNeverShutTheDoorOnStartsAndTheirCallsAreStillDecided() {
        // CallPass places calls at once but answers status polls after 2 s, beyond the 500 ms request timeout
        callpass.delayStatus(Duration.ofSeconds(2));
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(Api.start(newPhone()).statusCode(201).body("provider", equalTo("callpass")).extract().path("id"));
        }
        clock.advance(Duration.ofSeconds(2));
        tracker.runOnce().await().indefinitely(); // six polls time out: the read circuit opens
        // the placing circuit is another one: new starts still go to CallPass, never 503 providers_unavailable
        for (int i = 0; i < 3; i++) {
            Api.start(newPhone()).statusCode(201).body("provider", equalTo("callpass"));
        }
        io.callauth.common.Management.given().get("/q/health/ready").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("circuit closed"));
        // the calls whose polls failed are followed to their ring timeout and decided then, not dropped
        io.callauth.provider.Tracking.run(tracker, clock, Duration.ofSeconds(40), Duration.ofSeconds(2));
        for (String id : ids) {
            assertThat(events(id)).extracting(e -> e.get("type")).contains("call_outcome");
            verify().get("/v1/verifications/" + id).then().body("provider", equalTo("sandbox"));
        }
    }

    @Test
    void notDeliveredCallIsFollowedByTheNextProviderWithANewCode() {
        callpass.pollsBeforeFinal(0).finalResult("USER_BUSY");
        codeReplaced(() -> {
            String phone = newPhone();
            String id = Api.start(phone).statusCode(201).body("provider", equalTo("callpass")).extract().path("id");
            String old = callpass.lastCall().code(4);
            clock.advance(ROUND);
            tracker.runOnce().await().indefinitely();
            verify().get("/v1/verifications/" + id).then().body("provider", equalTo("sandbox"))
                    .body("callStatus", equalTo("calling")).body("callsLeft", equalTo(1));
            followedAtOnce(id);
            return new Api.Replaced(id, old, sandboxCode(phone));
        });
    }

    @Test
    void aCallWithNoOutcomeByItsRingTimeoutIsFollowedByTheNextProvider() {
        callpass.neverFinish();
        codeReplaced(() -> {
            String phone = newPhone();
            String id = Api.start(phone).statusCode(201).body("provider", equalTo("callpass")).extract().path("id");
            String old = callpass.lastCall().code(4);
            Tracking.run(tracker, clock, Duration.ofSeconds(36), ROUND);
            verify().get("/v1/verifications/" + id).then().body("provider", equalTo("sandbox"));
            assertThat(events(id)).anySatisfy(e -> assertThat(e.get("detail")).isEqualTo("ring_timeout"));
            followedAtOnce(id);
            return new Api.Replaced(id, old, sandboxCode(phone));
        });
    }

    @Test
    void resendTakesTheNextProviderOrTheOneAskedFor() {
        String phone = newPhone();
        String id = Api.start(phone).statusCode(201).body("provider", equalTo("callpass")).extract().path("id");
        verify().post("/v1/verifications/" + id + "/resend").then().statusCode(200).body("provider", equalTo("sandbox"));
        verify().body("{\"provider\":\"callpass\"}").post("/v1/verifications/" + id + "/resend").then().statusCode(200)
                .body("provider", equalTo("callpass")).body("callsLeft", equalTo(0));
        verify().body("{\"provider\":\"nope\"}").post("/v1/verifications/" + id + "/resend").then().statusCode(400);
        check(id, callpass.lastCall().code(4)).statusCode(200).body("valid", equalTo(true));
    }
}
