package io.callauth.provider.yunhu;

import io.callauth.provider.CallRequest;
import io.callauth.provider.CallStatus;
import io.callauth.provider.Channel;
import io.callauth.provider.PlacedCall;
import io.callauth.provider.ProviderException;
import io.callauth.provider.ProvidersConfig;
import io.callauth.provider.support.ProviderMetrics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callauth.common.Mappings;
import io.callauth.common.MutableClock;
import io.callauth.provider.ProviderException.Reason;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Yunhu adapter against its wire emulator: one shared login, ret 600 / error 1010 handling, errors, methods. */
@QuarkusTest
class YunhuClientTest {

    static final String APPID = "ABCDEFG";
    static final String ACCESSKEY = "k3y";
    static final String EXT = "90240005";
    static final List<String> NUMBERS = List.of("2190240001", "2190240002");

    @Inject
    ObjectMapper json;
    @Inject
    MutableClock clock;
    @Inject
    ReactiveRedisDataSource redis;
    @Inject
    ProviderMetrics metrics;
    @Inject
    ProvidersConfig providers;

    YunhuEmulator emulator;

    @BeforeEach
    void setUp() {
        emulator = YunhuEmulator.start(APPID, ACCESSKEY, Set.of(EXT), Set.copyOf(NUMBERS));
        clock.reset();
        CircuitBreakerMaintenance.get().resetAll();
        redis.execute("DEL", "ca:token:{yunhu}", "ca:token:{yunhu}:lock", "ca:token:{yunhu}:backoff")
                .await().indefinitely();
    }

    @AfterEach
    void tearDown() {
        emulator.close();
        clock.reset();
    }

    private YunhuClient replica(String accesskey, String method) {
        return new YunhuClient(config(emulator.url(), accesskey, method), json, clock, redis, providers, metrics);
    }

    private YunhuClient replica() {
        return replica(ACCESSKEY, "MakeCall");
    }

    static YunhuConfig config(String url, String accesskey, String method) {
        return Mappings.of(YunhuConfig.class, Map.of(
                "callauth.providers.yunhu.url", url,
                "callauth.providers.yunhu.appid", APPID,
                "callauth.providers.yunhu.accesskey", accesskey,
                "callauth.providers.yunhu.extnumber", EXT,
                "callauth.providers.yunhu.caller-ids", String.join(",", NUMBERS),
                "callauth.providers.yunhu.callback-secret", "s3cret-path-0123456789",
                "callauth.providers.yunhu.method", method,
                "callauth.providers.yunhu.request-timeout", "2S"));
    }

    private static CallRequest request(String ref) {
        return new CallRequest(ref, "vf_1", "+79161234567", Channel.FLASHCALL, 4);
    }

    private static Reason reasonOf(Runnable r) {
        try {
            r.run();
        } catch (ProviderException e) {
            return e.reason();
        }
        throw new AssertionError("no ProviderException");
    }

    @Test
    void makeCallCarriesTheDocumentedFieldsAndTwoReplicasShareOneLogin() {
        YunhuClient a = replica();
        YunhuClient b = replica();
        PlacedCall placed = a.placeCall(request("vf_1.a")).await().indefinitely();
        b.placeCall(request("vf_1.b")).await().indefinitely();
        assertThat(emulator.logins()).isEqualTo(1);
        assertThat(emulator.calls()).first().satisfies(c -> {
            assertThat(c.get("service")).isEqualTo("App.Sip_Call.MakeCall");
            assertThat(c.get("extnumber")).isEqualTo(EXT);
            assertThat(c.get("destnumber")).isEqualTo("79161234567");
            assertThat(c.get("disnumber")).isIn(NUMBERS);
            assertThat(c.get("customuuid")).isEqualTo("vf_1.a");
        });
        assertThat(placed.digits()).isEqualTo(emulator.calls().get(0).get("disnumber"));
        assertThat(placed.status()).isEqualTo(CallStatus.CALLING);
        assertThat(a.statusAtRingTimeout()).as("no callback by the ring timeout: not delivered")
                .isEqualTo(CallStatus.NOT_DELIVERED);
    }

    @Test
    void doubleCallRingsTheUserAsTheALeg() {
        replica(ACCESSKEY, "DoubleCall").placeCall(request("vf_2.a")).await().indefinitely();
        assertThat(emulator.lastCall()).satisfies(c -> {
            assertThat(c.get("service")).isEqualTo("App.Sip_Call.DoubleCall");
            assertThat(c.get("anumber")).isEqualTo("79161234567");
            assertThat(c.get("bnumber")).isEqualTo(EXT);
            assertThat(c.get("customuuid")).isEqualTo("vf_2.a");
        });
    }

    @Test
    void ret600MeansOneNewLoginAndOneRetry() {
        YunhuClient c = replica();
        c.placeCall(request("vf_3.a")).await().indefinitely();
        emulator.expireTokens();
        c.placeCall(request("vf_3.b")).await().indefinitely();
        assertThat(emulator.logins()).isEqualTo(2);
        assertThat(emulator.calls()).hasSize(2);
    }

    @Test
    void aTokenStillRejectedAfterTheNewLoginFailsWithoutAnotherLogin() {
        YunhuClient c = replica();
        c.placeCall(request("vf_4.a")).await().indefinitely();
        emulator.rejectAllTokens(true);
        assertThatThrownBy(() -> c.placeCall(request("vf_4.b")).await().indefinitely())
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.ERROR);
                    assertThat(e.getMessage()).contains("ret 600");
                });
        assertThat(emulator.logins()).as("one login, one re-login, no loop").isEqualTo(2);
    }

    @Test
    void error1010LogsTheOldTokenOutThenInAndRetries() {
        YunhuClient c = replica();
        c.placeCall(request("vf_5.a")).await().indefinitely();
        emulator.extensionChanged();
        c.placeCall(request("vf_5.b")).await().indefinitely();
        assertThat(emulator.logouts()).isEqualTo(1);
        assertThat(emulator.logins()).isEqualTo(2);
        assertThat(emulator.calls()).extracting(m -> m.get("customuuid")).containsExactly("vf_5.a", "vf_5.b");
    }

    @Test
    void theTokenIsRenewedBeforeItsTwelveHoursRunOut() {
        YunhuClient c = replica();
        c.placeCall(request("vf_6.a")).await().indefinitely();
        clock.advance(Duration.ofHours(11).plusMinutes(29));
        c.placeCall(request("vf_6.b")).await().indefinitely();
        assertThat(emulator.logins()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(2));
        c.placeCall(request("vf_6.c")).await().indefinitely();
        assertThat(emulator.logins()).as("renewed 30 minutes ahead").isEqualTo(2);
    }

    @Test
    void refusalsAndErrorsAreTold() {
        YunhuClient c = replica();
        emulator.failWithRet(400);
        assertThat(reasonOf(() -> c.placeCall(request("vf_7.a")).await().indefinitely())).isEqualTo(Reason.REFUSED);
        emulator.failWithRet(604);
        assertThatThrownBy(() -> c.placeCall(request("vf_7.b")).await().indefinitely())
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.ERROR);
                    assertThat(e.getMessage()).contains("ret 604").contains("IP is not authorized");
                });
        emulator.failWithRet(0);
        emulator.refuseCalls("1205");
        assertThat(reasonOf(() -> c.placeCall(request("vf_7.c")).await().indefinitely())).isEqualTo(Reason.REFUSED);
        emulator.refuseCalls("1014");
        assertThat(reasonOf(() -> c.placeCall(request("vf_7.d")).await().indefinitely()))
                .as("extension not registered concerns every call").isEqualTo(Reason.ERROR);
        emulator.refuseCalls(null);
        emulator.failWithHttp(502);
        assertThat(reasonOf(() -> c.placeCall(request("vf_7.e")).await().indefinitely())).isEqualTo(Reason.ERROR);
    }

    @Test
    void aRefusedLoginBacksOffForEveryReplica() {
        YunhuClient c = replica("wrong", "MakeCall");
        assertThat(reasonOf(() -> c.placeCall(request("vf_8.a")).await().indefinitely())).isEqualTo(Reason.UNAVAILABLE);
        int requests = emulator.requests();
        assertThatThrownBy(() -> replica("wrong", "MakeCall").placeCall(request("vf_8.b")).await().indefinitely())
                .hasMessageContaining("backing off");
        assertThat(emulator.requests()).isEqualTo(requests);
        assertThat(c.sessionToken().orElseThrow().backoffState().await().indefinitely()).isPresent();
    }

    @Test
    void recordingLinkAndBill() {
        YunhuClient c = replica();
        YunhuClient.Recording r = c.recording("cda5c6c4.mp3").await().indefinitely();
        assertThat(r.downloadUrl()).startsWith(emulator.url() + "/record/cda5c6c4.mp3?sign=");
        assertThat(r.expires()).startsWith("Expiration time:");
        emulator.callbacksTo("http://127.0.0.1:1/nowhere");
        c.placeCall(request("vf_9.a")).await().indefinitely();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> emulator.callbacks().size() >= 3);
        JsonNode bill = c.bill("2026-11-23 00:00:00", "2026-11-23 23:59:59", 0, 1, 20).await().indefinitely();
        assertThat(bill.path("list")).hasSize(1);
        assertThat(bill.path("list").get(0).path("customuuid").asText()).isEqualTo("vf_9.a");
        assertThatThrownBy(() -> c.recording("").await().indefinitely()).isInstanceOf(ProviderException.class);
    }

    private static io.callauth.provider.KeptCall kept(JsonNode cdr) {
        return new io.callauth.provider.KeptCall("vf_r.a", "vf_r", "yunhu", "flashcall", "+79161234567", "219024****",
                "vf_r.a", System.currentTimeMillis(), "delivered", cdr);
    }

    @Test
    void theRecordIsThePushedCdrAndTheRecordingIsStreamedFromTheDownloadLink() throws Exception {
        YunhuClient c = replica();
        byte[] mp3 = io.callauth.provider.Mp3Fixture.bytes();
        emulator.addRecording("cda5c6c4.mp3", mp3);
        JsonNode cdr = json.readTree("{\"answertime\":\"2026-11-23 10:00:04\",\"billsec\":4,\"hangupcause\":10001,"
                + "\"recordfilename\":\"cda5c6c4.mp3\",\"customuuid\":\"vf_r.a\",\"disnumber\":\"219024****\"}");
        assertThat(c.record(kept(cdr)).await().indefinitely()).contains(cdr);
        assertThat(c.record(kept(null)).await().indefinitely()).isEmpty();

        io.callauth.provider.CallAudio audio = c.recording(kept(cdr), java.util.Optional.of(cdr)).await().indefinitely()
                .orElseThrow();
        assertThat(audio.contentType()).isEqualTo("audio/mpeg");
        byte[] bytes = audio.body().collect().in(io.vertx.mutiny.core.buffer.Buffer::buffer,
                io.vertx.mutiny.core.buffer.Buffer::appendBuffer).await().indefinitely().getBytes();
        assertThat(bytes).isEqualTo(mp3);
        assertThat(emulator.downloads()).isEqualTo(1);

        // no file name (the call was not recorded): none; a file Yunhu no longer keeps (404 at the link): none
        JsonNode unrecorded = json.readTree("{\"answertime\":\"\",\"recordfilename\":\"\"}");
        assertThat(c.recording(kept(unrecorded), java.util.Optional.of(unrecorded)).await().indefinitely()).isEmpty();
        JsonNode gone = json.readTree("{\"recordfilename\":\"expired.mp3\"}");
        assertThat(c.recording(kept(gone), java.util.Optional.of(gone)).await().indefinitely()).isEmpty();
        // the download server down: the read fails (503 at the API), never a 500
        emulator.failWithHttp(502);
        assertThatThrownBy(() -> c.recording(kept(cdr), java.util.Optional.of(cdr)).await().indefinitely())
                .isInstanceOf(ProviderException.class);
    }

    @Test
    void missingSettingsAreNamedWithTheirEnvironmentVariables() {
        YunhuClient c = new YunhuClient(Mappings.of(YunhuConfig.class, Map.of(
                "callauth.providers.yunhu.method", "Dial",
                "callauth.providers.yunhu.dial-format", "00{{phone}}{{x}}")), json, clock, redis, providers, metrics);
        assertThat(c.serves(Channel.FLASHCALL)).isFalse();
        assertThat(replica().missingConfiguration()).isEmpty();
        assertThat(new YunhuClient(Mappings.of(YunhuConfig.class, Map.of(
                "callauth.providers.yunhu.callback-secret", "short")), json, clock, redis, providers, metrics)
                .missingConfiguration()).contains("callauth.providers.yunhu.callback-secret must be at least 16 characters");
        assertThat(String.join("\n", c.missingConfiguration()))
                .contains("CALLAUTH_PROVIDERS_YUNHU_URL", "CALLAUTH_PROVIDERS_YUNHU_APPID",
                        "CALLAUTH_PROVIDERS_YUNHU_ACCESSKEY", "CALLAUTH_PROVIDERS_YUNHU_CALLBACK_SECRET",
                        "CALLAUTH_PROVIDERS_YUNHU_EXTNUMBER", "CALLAUTH_PROVIDERS_YUNHU_CALLER_IDS",
                        "method must be MakeCall or DoubleCall", "dial-format has unknown placeholders [x]");
    }
}
