package io.callauth.provider.yunhu;

import io.callauth.provider.Tracking;
import io.callauth.provider.chain.CallTracker;
import io.callauth.common.MutableClock;
import io.callauth.provider.callpass.CallPassEmulator;
import io.callauth.provider.callpass.CallPassEmulatorResource;
import io.callauth.verification.Api;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
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
import static io.callauth.verification.Api.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * Yunhu in the chain {@code callpass,yunhu,sandbox}: calls handed to it, its callbacks deciding the outcome, and
 * the hops out of it. The emulator pushes callbacks to this app over HTTP as the Yunhu account would.
 */
@QuarkusTest
@TestProfile(YunhuProfile.class)
@QuarkusTestResource(CallPassEmulatorResource.class)
@QuarkusTestResource(YunhuEmulatorResource.class)
class YunhuCallbacksTest {

    @Inject
    MutableClock clock;
    @Inject
    CallTracker tracker;

    CallPassEmulator callpass;
    YunhuEmulator yunhu;

    @BeforeEach
    void setUp() {
        callpass = CallPassEmulatorResource.emulator();
        callpass.reset();
        yunhu = YunhuEmulatorResource.emulator();
        yunhu.reset();
        yunhu.callbacksTo(callbackBase(YunhuEmulatorResource.SECRET));
        CircuitBreakerMaintenance.get().resetAll();
        Tracking.drainEverything(tracker, clock);
    }

    @AfterEach
    void tearDown() {
        clock.reset();
    }

    private static String callbackBase(String secret) {
        return "http://127.0.0.1:" + RestAssured.port + "/callbacks/yunhu/" + secret;
    }

    private String yunhuCode() {
        String dis = yunhu.lastCall().get("disnumber");
        return dis.substring(dis.length() - 4);
    }

    /** CallPass refuses: Yunhu places the call at once */
    private String startOnYunhu(String phone) {
        callpass.refuseCalls("destination not allowed");
        return Api.start(phone).statusCode(201).body("provider", equalTo("yunhu")).extract().path("id");
    }

    @Test
    void aRefusedCallPassCallGoesToYunhuWhoseRingOnTheMobileDelivers() {
        String phone = newPhone();
        String id = startOnYunhu(phone);
        assertThat(yunhu.lastCall()).satisfies(c -> {
            assertThat(c.get("service")).isEqualTo("App.Sip_Call.MakeCall");
            assertThat(c.get("extnumber")).isEqualTo(YunhuEmulatorResource.EXT);
            assertThat(c.get("destnumber")).isEqualTo(phone.substring(1));
            assertThat(c.get("customuuid")).startsWith(id + ".");
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> "delivered".equals(view(id).get("callStatus")));
        List<Map<String, Object>> ev = events(id);
        assertThat(ev).anySatisfy(e -> {
            assertThat(e.get("type")).isEqualTo("call_outcome");
            assertThat(e.get("detail")).isEqualTo("ring");
        });
        assertThat(Duration.between(at(ev, "call_failed", "callpass"), at(ev, "call_placed", "yunhu")))
                .isLessThanOrEqualTo(Duration.ofSeconds(2));
        check(id, Api.wrong(yunhuCode())).statusCode(200).body("valid", equalTo(false));
        check(id, yunhuCode()).statusCode(200).body("valid", equalTo(true));
    }

    @Test
    void anOutcomePushedBeforeMakeCallIsAnsweredIsKept() {
        yunhu.callbacksBeforeAnswer(true);
        String phone = newPhone();
        String id = startOnYunhu(phone);
        assertThat(view(id).get("callStatus")).as("the late 'placed' does not undo the ring").isEqualTo("delivered");
        clock.advance(Duration.ofSeconds(40));
        assertThat(tracker.runOnce().await().indefinitely()).as("a settled call is not tracked").isZero();
        assertThat(view(id).get("provider")).isEqualTo("yunhu");
        check(id, yunhuCode()).statusCode(200).body("valid", equalTo(true));
    }

    @Test
    void aCallPassCallNotDeliveredIsFollowedByYunhu() {
        callpass.pollsBeforeFinal(0).finalResult("USER_BUSY");
        yunhu.scenario(YunhuEmulator.Scenario.SILENT);
        // the Yunhu caller ID is drawn from its pool: it may end in CallPass's code by chance (then nothing tells the
        // old code is dead), so the scenario runs again on a new number until the two differ
        codeReplaced(() -> {
            String id = Api.start(newPhone()).statusCode(201).body("provider", equalTo("callpass")).extract().path("id");
            String old = callpass.lastCall().code(4);
            clock.advance(Duration.ofSeconds(2));
            tracker.runOnce().await().indefinitely();
            assertThat(view(id).get("provider")).isEqualTo("yunhu");
            List<Map<String, Object>> ev = events(id);
            assertThat(Duration.between(at(ev, "call_outcome", null), at(ev, "call_placed", "yunhu")))
                    .isLessThanOrEqualTo(Duration.ofSeconds(2));
            return new Api.Replaced(id, old, yunhuCode());
        });
    }

    @Test
    void aBusyYunhuCallIsFollowedByTheNextProviderWithANewCode() {
        yunhu.scenario(YunhuEmulator.Scenario.BUSY);
        String phone = newPhone();
        callpass.refuseCalls("destination not allowed");
        // the emulator pushes the busy record right after answering MakeCall: it may reach us before our answer to
        // the start is written, which then already names the next provider (CI saw it); the events tell the story
        String id = Api.start(phone).statusCode(201).extract().path("id");
        assertThat(yunhu.lastCall().get("customuuid")).startsWith(id + ".");
        String old = yunhuCode();
        await().atMost(Duration.ofSeconds(10)).until(() -> "sandbox".equals(view(id).get("provider")));
        List<Map<String, Object>> ev = events(id);
        assertThat(ev).anySatisfy(e -> {
            assertThat(e.get("type")).isEqualTo("call_placed");
            assertThat(e.get("provider")).isEqualTo("yunhu");
        });
        assertThat(ev).anySatisfy(e -> {
            assertThat(e.get("type")).isEqualTo("call_outcome");
            assertThat(e.get("outcome")).isEqualTo("not_delivered");
            assertThat(e.get("detail")).isEqualTo("hangupcause 10006");
        });
        assertThat(Duration.between(at(ev, "call_outcome", null), at(ev, "call_placed", "sandbox")))
                .isLessThanOrEqualTo(Duration.ofSeconds(2));
        String fresh = sandboxCode(phone);
        codeReplaced(id, old, fresh);
    }

    @Test
    void noCallbackByTheRingTimeoutPlusGraceCountsAsNotDelivered() {
        yunhu.scenario(YunhuEmulator.Scenario.SILENT);
        String phone = newPhone();
        String id = startOnYunhu(phone);
        String old = yunhuCode();
        Tracking.run(tracker, clock, Duration.ofSeconds(34), Duration.ofSeconds(2));
        assertThat(view(id).get("provider")).as("still waiting within ring timeout + grace").isEqualTo("yunhu");
        Tracking.run(tracker, clock, Duration.ofSeconds(4), Duration.ofSeconds(2));
        assertThat(view(id).get("provider")).isEqualTo("sandbox");
        assertThat(events(id)).anySatisfy(e -> assertThat(e.get("detail")).isEqualTo("ring_timeout"));
        String fresh = sandboxCode(phone);
        codeReplaced(id, old, fresh);
    }

    @Test
    void repeatedCallbacksChangeNothingAndTheDocumentedNumericDirectionIsRead() {
        yunhu.repeatCallbacks(true).numericDirection(true).scenario(YunhuEmulator.Scenario.ANSWERED);
        String id = startOnYunhu(newPhone());
        await().atMost(Duration.ofSeconds(10)).until(() -> yunhu.callbacks().stream()
                .filter(c -> "cdr".equals(c.get("kind"))).count() == 2);
        assertThat(yunhu.callbacks()).allSatisfy(c -> assertThat(c.get("status")).isEqualTo(200));
        assertThat(view(id).get("callStatus")).isEqualTo("delivered");
        assertThat(events(id).stream().filter(e -> "call_outcome".equals(e.get("type")))).hasSize(1);
        assertThat(view(id).get("provider")).isEqualTo("yunhu");
    }

    @Test
    void callbacksNeedTheSecretAndWellFormedJson() {
        String body = "{\"customuuid\":\"vf_x.abc\",\"status\":\"ring\",\"isbleg\":\"true\",\"direction\":\"callout\"}";
        RestAssured.given().contentType(ContentType.JSON).body(body).post("/callbacks/yunhu/wrong-secret/status").then()
                .statusCode(404).contentType("application/problem+json").body("code", equalTo("not_found"));
        RestAssured.given().contentType(ContentType.JSON).body("{not json").post(path("cdr")).then()
                .statusCode(400).contentType("application/problem+json").body("code", equalTo("invalid_callback"));
        RestAssured.given().contentType(ContentType.JSON).body(body).post(path("status")).then()
                .statusCode(200).body("received", equalTo(true)).body("applied", equalTo(false));
        RestAssured.given().contentType(ContentType.TEXT).body("{\"customuuid\":\"nope\",\"hangupcause\":10006}")
                .post(path("cdr")).then().statusCode(200).body("applied", equalTo(false));
    }

    @Test
    void anIncomingCallsRecordIsNotAnOutcomeOfOurs() {
        yunhu.scenario(YunhuEmulator.Scenario.SILENT);
        String id = startOnYunhu(newPhone());
        String ref = yunhu.lastCall().get("customuuid");
        RestAssured.given().contentType(ContentType.JSON)
                .body("{\"customuuid\":\"" + ref + "\",\"hangupcause\":10006,\"answertime\":\"\",\"type\":\"callin\"}")
                .post(path("cdr")).then().statusCode(200).body("applied", equalTo(false));
        assertThat(view(id).get("callStatus")).isEqualTo("calling");
        RestAssured.given().contentType(ContentType.JSON)
                .body("{\"customuuid\":\"" + ref + "\",\"hangupcause\":10006,\"answertime\":\"\",\"direction\":2}")
                .post(path("cdr")).then().statusCode(200).body("applied", equalTo(true));
        assertThat(view(id).get("provider")).isEqualTo("sandbox");
    }

    private static String path(String kind) {
        return "/callbacks/yunhu/" + YunhuEmulatorResource.SECRET + "/" + kind;
    }
}
