package io.callauth.provider.yunhu;

import io.callauth.provider.Mp3Fixture;
import io.callauth.provider.Tracking;
import io.callauth.provider.chain.CallTracker;
import io.callauth.attempts.AttemptIngester;
import io.callauth.common.MutableClock;
import io.callauth.provider.callpass.CallPassEmulator;
import io.callauth.provider.callpass.CallPassEmulatorResource;
import io.callauth.verification.Api;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * Call records end to end with Yunhu in the chain (the profile of {@link YunhuCallbacksTest}, so no extra restart):
 * CallPass refuses, Yunhu places the call, the emulator pushes its callbacks and the CDR of an answered, recorded
 * call; the fraud API lists both calls with Yunhu's CDR, streams the recording, and still does both from the archive
 * once the verification left Redis.
 */
@QuarkusTest
@TestProfile(YunhuProfile.class)
@QuarkusTestResource(CallPassEmulatorResource.class)
@QuarkusTestResource(YunhuEmulatorResource.class)
class YunhuCallRecordsTest {

    @Inject
    MutableClock clock;
    @Inject
    CallTracker tracker;
    @Inject
    AttemptIngester ingester;
    @Inject
    RedisDataSource redis;

    CallPassEmulator callpass;
    YunhuEmulator yunhu;

    @BeforeEach
    void setUp() {
        callpass = CallPassEmulatorResource.emulator();
        callpass.reset();
        yunhu = YunhuEmulatorResource.emulator();
        yunhu.reset();
        yunhu.callbacksTo("http://127.0.0.1:" + RestAssured.port + "/callbacks/yunhu/" + YunhuEmulatorResource.SECRET);
        CircuitBreakerMaintenance.get().resetAll();
        Tracking.drainEverything(tracker, clock);
    }

    private static JsonPath calls(String id) {
        return Api.as(Api.FRAUD_KEY).get("/v1/verifications/" + id + "/calls").then().statusCode(200).extract()
                .jsonPath();
    }

    private static Map<String, Object> byProvider(JsonPath calls, String provider) {
        List<Map<String, Object>> items = calls.getList("items");
        return items.stream().filter(c -> provider.equals(c.get("provider"))).findFirst().orElseThrow(() ->
                new AssertionError(provider + " not in " + items));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> record(Map<String, Object> call) {
        return (Map<String, Object>) call.get("record");
    }

    @Test
    void anAnsweredYunhuCallShowsItsCdrAndRecordingLiveAndFromTheArchive() {
        yunhu.scenario(YunhuEmulator.Scenario.ANSWERED);
        callpass.refuseCalls("destination not allowed");
        String phone = Api.newPhone();
        String id = Api.start(phone).statusCode(201).body("provider", equalTo("yunhu")).extract().path("id");
        String dis = yunhu.lastCall().get("disnumber");
        String code = dis.substring(dis.length() - 4);
        await().atMost(Duration.ofSeconds(10)).until(() -> record(byProvider(calls(id), "yunhu")) != null);

        JsonPath live = calls(id);
        assertThat(live.getList("items")).hasSize(2);
        Map<String, Object> refused = live.getMap("items[0]");
        assertThat(refused).containsEntry("provider", "callpass").containsEntry("callStatus", "failed")
                .containsEntry("record", null);
        Map<String, Object> call = byProvider(live, "yunhu");
        assertThat((String) call.get("callRef")).isEqualTo(yunhu.lastCall().get("customuuid"));
        assertThat((String) call.get("callerId")).isEqualTo(dis.substring(0, dis.length() - 4) + "****");
        assertThat(call.get("callStatus")).isEqualTo("delivered");
        Map<String, Object> cdr = record(call);
        assertThat((String) cdr.get("answertime")).isNotEmpty();
        assertThat(cdr).containsEntry("billsec", 4).containsEntry("hangupcause", 10001)
                .containsEntry("disnumber", call.get("callerId")).containsEntry("customuuid", call.get("callRef"));
        String file = (String) cdr.get("recordfilename");
        assertThat(file).endsWith(".mp3");
        assertThat(live.prettify()).doesNotContain(dis).doesNotContain(yunhu.url());

        Response audio = Api.as(Api.FRAUD_KEY).get("/v1/calls/" + call.get("callRef") + "/recording");
        audio.then().statusCode(200).contentType("audio/mpeg");
        assertThat(audio.asByteArray()).isEqualTo(Mp3Fixture.bytes());
        assertThat(audio.getHeaders().toString()).doesNotContain(yunhu.url()).doesNotContain(yunhu.downloadSign());

        // the verification leaves Redis; the archive has its calls and Yunhu's CDR
        drain();
        redis.execute("DEL", "ca:vf:{" + id + "}", "ca:vf:{" + id + "}:ev", "ca:vf:{" + id + "}:calls");
        JsonPath archived = calls(id);
        assertThat(archived.getList("items")).hasSize(2);
        Map<String, Object> kept = byProvider(archived, "yunhu");
        assertThat(kept).containsEntry("callRef", call.get("callRef")).containsEntry("callerId", call.get("callerId"))
                .containsEntry("callStatus", "delivered").containsEntry("placedAt", call.get("placedAt"));
        assertThat(record(kept)).isEqualTo(cdr);
        assertThat(byProvider(archived, "callpass")).containsEntry("callStatus", "failed");
        assertThat(archived.prettify()).doesNotContain(dis).doesNotContain("\"" + code + "\"");
        Response again = Api.as(Api.FRAUD_KEY).get("/v1/calls/" + call.get("callRef") + "/recording");
        again.then().statusCode(200).contentType("audio/mpeg");
        assertThat(again.asByteArray()).isEqualTo(Mp3Fixture.bytes());
        assertThat(yunhu.downloads()).isEqualTo(2);
    }

    private void drain() {
        AttemptIngester.Run r;
        int rounds = 0;
        do {
            r = ingester.consumer("yunhu-records-drain", Duration.ZERO).run();
            assertThat(r.failed()).isFalse();
        } while (r.read() > 0 && ++rounds < 100);
    }
}
