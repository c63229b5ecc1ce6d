package io.callauth.calls;

import io.callauth.provider.Mp3Fixture;
import io.callauth.attempts.AttemptIngester;
import io.callauth.common.Masking;
import io.callauth.provider.callpass.CallPassEmulator;
import io.callauth.provider.callpass.CallPassEmulatorResource;
import io.callauth.provider.sunsim.SunSimEmulator;
import io.callauth.provider.sunsim.SunSimEmulatorResource;
import io.callauth.provider.yunhu.YunhuEmulator;
import io.callauth.provider.yunhu.YunhuEmulatorResource;
import io.callauth.verification.Api;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * The fraud team's call records through the public API: the calls of a verification with each provider's record
 * (CallPass status result, Yunhu CDR, SunSim call list row, none for a provider that keeps none), recordings
 * streamed from the Yunhu and SunSim emulators through callauth, 404s, the fraud role, and the archive once the
 * verification left Redis. Calls at Yunhu, SunSim and Runtel are recorded in the call ledger as the verification core
 * records them (their placing is covered by the adapters' tests and YunhuCallRecordsTest).
 */
@QuarkusTest
@QuarkusTestResource(CallPassEmulatorResource.class)
@QuarkusTestResource(YunhuEmulatorResource.class)
@QuarkusTestResource(SunSimEmulatorResource.class)
class CallsApiTest {

    @Inject
    CallLedger ledger;
    @Inject
    AttemptIngester ingester;
    @Inject
    RedisDataSource redis;

    CallPassEmulator callpass;
    YunhuEmulator yunhu;
    SunSimEmulator sunsim;

    @BeforeEach
    void setUp() {
        callpass = CallPassEmulatorResource.emulator();
        callpass.reset();
        yunhu = YunhuEmulatorResource.emulator();
        yunhu.reset();
        sunsim = SunSimEmulatorResource.emulator();
        sunsim.reset();
        redis.execute("DEL", "ca:token:{sunsim}", "ca:token:{sunsim}:lock", "ca:token:{sunsim}:backoff",
                "ca:token:{yunhu}", "ca:token:{yunhu}:lock", "ca:token:{yunhu}:backoff");
        CircuitBreakerMaintenance.get().resetAll();
    }

    private static JsonPath calls(String id) {
        return Api.as(Api.FRAUD_KEY).get("/v1/verifications/" + id + "/calls").then().statusCode(200)
                .contentType("application/json").body("verificationId", equalTo(id)).extract().jsonPath();
    }

    private static Map<String, Object> call(JsonPath calls, String callRef) {
        List<Map<String, Object>> items = calls.getList("items");
        return items.stream().filter(c -> callRef.equals(c.get("callRef"))).findFirst().orElseThrow(() ->
                new AssertionError(callRef + " not in " + items));
    }

    private static Response recording(String callRef) {
        return Api.as(Api.FRAUD_KEY).get("/v1/calls/" + callRef + "/recording");
    }

    private static void notFound(Response r) {
        r.then().statusCode(404).contentType("application/problem+json").body("code", equalTo("not_found"));
    }

    /** nothing of the provider reaches the client: its URL, its tokens, the download link's signature */
    private void noProviderSecrets(String text) {
        assertThat(text).doesNotContain(yunhu.url()).doesNotContain(sunsim.url()).doesNotContain(callpass.url())
                .doesNotContain(yunhu.downloadSign()).doesNotContain(CallPassEmulatorResource.TOKEN)
                .doesNotContain(SunSimEmulatorResource.AUTH);
        yunhu.tokens().forEach(t -> assertThat(text).doesNotContain(t));
    }

    /** as {@link #noProviderSecrets}, after callauth read SunSim: its access token, which it must have had, too */
    private void noSunSimSecrets(String text) {
        String token = sunsim.currentAccessToken();
        assertThat(token).as("the access token SunSim issued to callauth").isNotBlank();
        noProviderSecrets(text);
        assertThat(text).doesNotContain(token);
    }

    /** as {@link #noProviderSecrets}, after callauth signed in to Yunhu: its tokens, of which there must be one */
    private void noYunhuSecrets(String text) {
        assertThat(yunhu.tokens()).as("the tokens Yunhu issued to callauth").isNotEmpty();
        noProviderSecrets(text);
    }

    private static String everything(Response r) {
        return r.getHeaders().toString() + "\n" + r.asString();
    }

    /** a call at another provider, recorded as the verification core records a placed call */
    private void placedAt(String id, String callRef, String provider, String phone, String callerId,
                          String providerCallId, Instant at, String status) {
        ledger.placed(id, callRef, provider, "flashcall", phone, callerId, providerCallId, at.toEpochMilli(), status)
                .await().indefinitely();
    }

    @Test
    void aCallPassCallShowsItsStatusResultWithTheCallerIdMaskedAndHasNoRecording() {
        String phone = Api.newPhone();
        String id = Api.startId(phone);
        CallPassEmulator.Call placed = callpass.lastCall();
        JsonPath calls = calls(id);
        assertThat(calls.getList("items")).hasSize(1);
        Map<String, Object> c = calls.getMap("items[0]");
        String callRef = (String) c.get("callRef");
        assertThat(callRef).startsWith(id + ".");
        assertThat(c).containsEntry("provider", "callpass").containsEntry("channel", "flashcall")
                .containsEntry("callStatus", "calling");
        assertThat((String) c.get("callerId")).isEqualTo(Masking.callerId(placed.digits(), 4)).contains("****");
        assertThat(Instant.parse((String) c.get("placedAt"))).isBetween(placed.at().minusSeconds(5),
                placed.at().plusSeconds(5));
        assertThat(calls.getString("items[0].record.callid")).isEqualTo(placed.callid());
        assertThat(calls.getString("items[0].record.result")).isNotBlank();
        assertThat(calls.prettify()).doesNotContain(placed.code(4)).doesNotContain("\"pin\"");
        noProviderSecrets(calls.prettify());

        notFound(recording(callRef));
    }

    @Test
    void aYunhuCallShowsThePushedCdrAndItsRecordingStreamsThroughCallauth() {
        String phone = Api.newPhone();
        String id = Api.startId(phone);
        String callRef = id + ".y1";
        placedAt(id, callRef, "yunhu", phone, Masking.callerId("2190248642", 4), callRef, Instant.now(), "delivered");
        byte[] mp3 = Mp3Fixture.bytes();
        yunhu.addRecording("cdr-" + id + ".mp3", mp3);
        // the account's CDR callback, as Yunhu pushes it
        String cdr = """
                {"callmethod":3,"starttime":"2026-12-01 10:00:00","answertime":"2026-12-01 10:00:06",
                 "endtime":"2026-12-01 10:00:14","duration":14,"billsec":8,"crmid":"2001","hangupdirection":10040,
                 "chengshudu":"0","hangupcause":10001,"memberid":"","disnumber":"2190248642","destnumber":"%s",
                 "downloadip":"127.0.0.1","recordfilename":"cdr-%s.mp3","companycode":"1","type":"callout",
                 "id":982,"extnumber":"7003","uuid":"cda5c6c4","userkey":1,"customuuid":"%s"}"""
                .formatted(phone.substring(1), id, callRef);
        RestAssured.given().contentType("application/json").body(cdr)
                .post("/callbacks/yunhu/" + YunhuEmulatorResource.SECRET + "/cdr").then().statusCode(200);

        JsonPath calls = calls(id);
        assertThat(calls.getList("items")).hasSize(2);
        Map<String, Object> c = call(calls, callRef);
        assertThat(c).containsEntry("provider", "yunhu").containsEntry("callerId", "219024****")
                .containsEntry("callStatus", "delivered");
        @SuppressWarnings("unchecked")
        Map<String, Object> record = (Map<String, Object>) c.get("record");
        assertThat(record).containsEntry("answertime", "2026-12-01 10:00:06").containsEntry("billsec", 8)
                .containsEntry("hangupcause", 10001).containsEntry("recordfilename", "cdr-" + id + ".mp3")
                .containsEntry("disnumber", "219024****");
        assertThat(calls.prettify()).doesNotContain("8642");
        noProviderSecrets(calls.prettify());

        Response r = recording(callRef);
        r.then().statusCode(200).contentType("audio/mpeg");
        assertThat(r.asByteArray()).isEqualTo(mp3);
        assertThat(yunhu.downloads()).isEqualTo(1);
        noYunhuSecrets(everything(r));
    }

    /** in either layout of the call list, from an operator that finds rows by the account's own numbers only */
    @ParameterizedTest
    @EnumSource(SunSimEmulator.Layout.class)
    void aSunSimCallShowsItsCallListRowAndItsRecordingIsTheDecodedFile(SunSimEmulator.Layout layout) {
        sunsim.layout(layout).accountNumsOnly();
        boolean callerInExt = layout == SunSimEmulator.Layout.CALLER_IN_EXT_NUM;
        String phone = Api.newPhone();
        String id = Api.startId(phone);
        String callRef = id + ".s1";
        Instant at = sunsim.now();
        placedAt(id, callRef, "sunsim", phone, Masking.callerId("74950001122", 4), null, at, "delivered");
        sunsim.addCall(new SunSimEmulator.Row(at.plusSeconds(1), "74950001122", phone.substring(1), 1, 9, "rec-" + id));

        JsonPath calls = calls(id);
        Map<String, Object> c = call(calls, callRef);
        assertThat(c).containsEntry("provider", "sunsim").containsEntry("callerId", "7495000****");
        @SuppressWarnings("unchecked")
        Map<String, Object> record = (Map<String, Object>) c.get("record");
        assertThat(record).containsEntry("callRecordId", "rec-" + id).containsEntry("callDuration", "9")
                .containsEntry(callerInExt ? "extNum" : "abonentNum", "7495000****")
                .containsEntry(callerInExt ? "abonentNum" : "extNum", phone.substring(1));
        assertThat(calls.prettify()).doesNotContain("1122");
        noSunSimSecrets(calls.prettify());

        Response r = recording(callRef);
        r.then().statusCode(200).contentType("audio/mpeg").header("Content-Length", String.valueOf(Mp3Fixture.bytes().length));
        assertThat(r.asByteArray()).isEqualTo(Mp3Fixture.bytes());
        assertThat(sunsim.recordFiles()).isEqualTo(1);
        noSunSimSecrets(everything(r));
    }

    @Test
    void aProviderThatKeepsNothingAnswersNoRecordAndNoRecording() {
        String phone = Api.newPhone();
        String id = Api.startId(phone);
        String callRef = id + ".r1";
        placedAt(id, callRef, "runtel", phone, "7495111****", null, Instant.now(), "not_delivered");
        Map<String, Object> c = call(calls(id), callRef);
        assertThat(c).containsEntry("provider", "runtel").containsEntry("record", null)
                .containsEntry("callStatus", "not_delivered");
        notFound(recording(callRef));
        // a SunSim call whose row has no recording: its record, no recording
        String unrecorded = id + ".s2";
        placedAt(id, unrecorded, "sunsim", phone, "7495000****", null, sunsim.now(), "delivered");
        sunsim.addCall(new SunSimEmulator.Row(sunsim.now(), "74950003344", phone.substring(1), 1, 0, null));
        assertThat(call(calls(id), unrecorded).get("record")).isNotNull();
        notFound(recording(unrecorded));
    }

    @Test
    void unknownCallsAndVerificationsAreNotFound() {
        notFound(recording("vf_nosuchverification.abc"));
        notFound(recording("no-dot"));
        notFound(recording("bad%20ref"));
        notFound(Api.as(Api.FRAUD_KEY).get("/v1/verifications/vf_nosuchverification/calls"));
        String id = Api.startId(Api.newPhone());
        notFound(recording(id + ".ffffff"));
    }

    /**
     * A callRef that is none (dot segments, plain or encoded; an encoded slash; extra or missing segments) with the
     * fraud key: 404, never a role error; without a key: 401. Sent as written, not encoded again.
     */
    @Test
    void aMalformedCallRefIsNotFoundNeverARoleError() {
        for (String path : List.of("/v1/calls/%2e%2e/recording", "/v1/calls/%2E%2E/recording", "/v1/calls/../recording",
                "/v1/calls/%2e/recording", "/v1/calls/.../recording", "/v1/calls/x%2Fy/recording",
                "/v1/calls/%2e%2e%2f%2e%2e/recording", "/v1/calls/a/b/recording", "/v1/calls//recording",
                "/v1/calls/x.y/recording/more", "/v1/recording", "/v1/nothing")) {
            Response r = Api.as(Api.FRAUD_KEY).urlEncodingEnabled(false).get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            notFound(r);
            RestAssured.given().urlEncodingEnabled(false).get(path).then().statusCode(401);
        }
        // GET /v1/verifications/{id} behind an encoded slash is still the verify role's (it is routed there)
        Api.as(Api.FRAUD_KEY).urlEncodingEnabled(false).get("/v1/verifications/x%2Fcalls").then().statusCode(403)
                .body("code", equalTo("forbidden"));
        notFound(Api.verify().urlEncodingEnabled(false).get("/v1/verifications/x%2Fcalls"));
    }

    @Test
    void theVerifyRoleIsRefused() {
        String id = Api.startId(Api.newPhone());
        for (String path : List.of("/v1/verifications/" + id + "/calls", "/v1/calls/" + id + ".abc/recording")) {
            Api.verify().get(path).then().statusCode(403).contentType("application/problem+json")
                    .body("code", equalTo("forbidden"));
            RestAssured.given().get(path).then().statusCode(401);
        }
    }

    @Test
    void aVerificationNoLongerInRedisStillListsItsCallsFromTheArchive() {
        String phone = Api.newPhone();
        String id = Api.startId(phone);
        CallPassEmulator.Call placed = callpass.lastCall();
        JsonPath live = calls(id);
        drain();
        redis.execute("DEL", "ca:vf:{" + id + "}", "ca:vf:{" + id + "}:ev", "ca:vf:{" + id + "}:calls");
        assertThat(redis.execute("EXISTS", "ca:vf:{" + id + "}:calls").toLong()).isZero();

        JsonPath archived = calls(id);
        assertThat(archived.getList("items")).hasSize(1);
        Map<String, Object> c = archived.getMap("items[0]");
        assertThat(c).containsEntry("callRef", live.getString("items[0].callRef"))
                .containsEntry("provider", "callpass").containsEntry("callerId", live.getString("items[0].callerId"))
                .containsEntry("callStatus", "calling");
        assertThat(Instant.parse((String) c.get("placedAt"))).isEqualTo(Instant.parse(live.getString("items[0].placedAt")));
        // the provider call id was archived: CallPass is still asked for its record
        assertThat(archived.getString("items[0].record.callid")).isEqualTo(placed.callid());
        assertThat(archived.prettify()).doesNotContain(placed.code(4));
    }

    private void drain() {
        AttemptIngester.Run r;
        int rounds = 0;
        do {
            r = ingester.consumer("calls-drain", Duration.ZERO).run();
            assertThat(r.failed()).isFalse();
        } while (r.read() > 0 && ++rounds < 100);
    }
}
