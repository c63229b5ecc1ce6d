package io.callauth.provider.sunsim;

import io.callauth.provider.CallRequest;
import io.callauth.provider.CallStatus;
import io.callauth.provider.Channel;
import io.callauth.provider.PlacedCall;
import io.callauth.provider.ProvidersConfig;
import io.callauth.provider.TrackedCall;
import io.callauth.provider.support.ProviderMetrics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callauth.common.Mappings;
import io.callauth.common.MutableClock;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SunSim adapter against its wire emulator: the token trio shared by replicas, the call, the call list. */
@QuarkusTest
class SunSimClientTest {

    static final String AUTH = "auth-token-from-cabinet";

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

    SunSimEmulator emulator;

    @BeforeEach
    void setUp() {
        emulator = SunSimEmulator.start(AUTH);
        clock.reset();
        redis.execute("DEL", "ca:token:{sunsim}", "ca:token:{sunsim}:lock", "ca:token:{sunsim}:backoff")
                .await().indefinitely();
    }

    @AfterEach
    void tearDown() {
        emulator.close();
        clock.reset();
    }

    /** one replica's client: own HTTP client, own guard, the shared Redis */
    private SunSimClient replica() {
        SunSimConfig config = Mappings.of(SunSimConfig.class, Map.of(
                "callauth.providers.sunsim.url", emulator.url(),
                "callauth.providers.sunsim.authorization-token", AUTH,
                "callauth.providers.sunsim.caller-ids", "+7 495 000-11-22,74950003344",
                "callauth.providers.sunsim.request-timeout", "2S",
                "callauth.providers.sunsim.call.body",
                "{\"abonentNum\":\"{{phone}}\",\"extNum\":\"{{callerId}}\",\"requestId\":\"{{callRef}}\"}"));
        return new SunSimClient(config, json, clock, redis, providers, metrics,
                new io.callauth.provider.support.CallerIdDigest(java.util.Optional.of("sunsim-test-secret")));
    }

    private static CallRequest request(String ref) {
        return new CallRequest(ref, "vf_1", "+79161234567", Channel.FLASHCALL, 4);
    }

    @Test
    void placesTheConfiguredCallFromThePoolAndReadsTheOutcomeFromTheCallList() {
        SunSimClient c = replica();
        long placedAt = clock.millis();
        PlacedCall placed = c.placeCall(request("vf_1.a")).await().indefinitely();
        assertThat(emulator.makeCalls()).singleElement().satisfies(call -> {
            assertThat(call.get("abonentNum")).isEqualTo("79161234567");
            assertThat(call.get("requestId")).isEqualTo("vf_1.a");
            assertThat(call.get("extNum")).isIn("74950001122", "74950003344").isEqualTo(placed.digits());
        });
        TrackedCall tracked = new TrackedCall("vf_1.a", "vf_1", "sunsim", placed.providerCallId(), "+79161234567",
                placedAt, placedAt + 35_000);
        assertThat(c.poll(tracked).await().indefinitely().status()).isEqualTo(CallStatus.DELIVERED);
        assertThat(emulator.creates()).isEqualTo(1);
        // the calling number ends in the code: what the tracking job and the verification keep is its digest only
        assertThat(placed.providerCallId()).startsWith("hmac:").doesNotContain(placed.digits())
                .doesNotContain(placed.digits().substring(placed.digits().length() - 4));
        // and a job whose digest is of the pool's other number does not take this row for its call
        String other = placed.digits().equals("74950001122") ? "74950003344" : "74950001122";
        TrackedCall otherCaller = new TrackedCall("vf_1.b", "vf_1", "sunsim",
                new io.callauth.provider.support.CallerIdDigest(java.util.Optional.of("sunsim-test-secret")).of(other),
                "+79161234567", placedAt, placedAt + 35_000);
        assertThat(c.poll(otherCaller).await().indefinitely().status()).isEqualTo(CallStatus.CALLING);

        emulator.nextCallMissing();
        PlacedCall missing = c.placeCall(new CallRequest("vf_2.a", "vf_2", "+79167654321", Channel.FLASHCALL, 4))
                .await().indefinitely();
        assertThat(c.poll(new TrackedCall("vf_2.a", "vf_2", "sunsim", missing.providerCallId(), "+79167654321",
                placedAt, placedAt + 35_000)).await().indefinitely().status()).isEqualTo(CallStatus.CALLING);
        assertThat(emulator.creates()).as("one pair for every request").isEqualTo(1);
    }

    @Test
    void twoReplicasRenewingAtOnceMakeOneRefresh() {
        SunSimClient a = replica();
        SunSimClient b = replica();
        a.sessionToken().orElseThrow().get().await().indefinitely();
        assertThat(emulator.creates()).isEqualTo(1);
        // 23.5 h later both replicas find the access token due for renewal at the same moment
        emulator.advance(Duration.ofMinutes(23 * 60 + 30));
        clock.advance(Duration.ofMinutes(23 * 60 + 30));
        List<String> tokens = Uni.join().all(a.sessionToken().orElseThrow().get(), b.sessionToken().orElseThrow().get(), a.sessionToken().orElseThrow().get(), b.sessionToken().orElseThrow().get())
                .andFailFast().await().indefinitely().stream().map(t -> t.access()).distinct().toList();
        assertThat(emulator.refreshes()).isEqualTo(1);
        assertThat(emulator.creates()).isEqualTo(1);
        assertThat(tokens).containsExactly(emulator.currentAccessToken());
        // and the refreshed pair works for calls of either replica
        b.placeCall(request("vf_3.a")).await().indefinitely();
        a.placeCall(request("vf_4.a")).await().indefinitely();
        assertThat(emulator.creates() + emulator.refreshes()).isEqualTo(2);
    }

    @Test
    void aRejectedTokenIsReplacedOnce() {
        SunSimClient c = replica();
        c.placeCall(request("vf_5.a")).await().indefinitely();
        // someone created a new pair in the cabinet's name: ours is dead, refresh token included
        emulator.advance(Duration.ZERO);
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        try {
            http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(emulator.url() + "/api/v1/auth/integrationapi/create"))
                    .header("Authorization", "Bearer " + AUTH).GET().build(), java.net.http.HttpResponse.BodyHandlers.discarding());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        assertThat(emulator.creates()).isEqualTo(2);
        c.placeCall(request("vf_6.a")).await().indefinitely();
        assertThat(emulator.creates()).as("one create after the 401").isEqualTo(3);
        assertThat(emulator.makeCalls()).hasSize(2);
    }

    @Test
    void recordingsAndStoredResults() {
        SunSimClient c = replica();
        emulator.addCall(new SunSimEmulator.Row(emulator.now(), "74950001122", "79161234567", 1, 9, "bec3e80f"));
        SunSimClient.Recording r = c.recording("bec3e80f").await().indefinitely();
        assertThat(r.fileName()).isEqualTo("bec3e80f.mp3");
        assertThat(java.util.Base64.getDecoder().decode(r.base64Mp3())).isEqualTo(io.callauth.provider.Mp3Fixture.bytes());
        assertThatThrownBy(() -> c.recording("no-such-file").await().indefinitely())
                .isInstanceOf(io.callauth.provider.ProviderException.class).hasMessageContaining("errorCode 404");
    }

    private static io.callauth.provider.KeptCall kept(String callerId, long placedAt) {
        return new io.callauth.provider.KeptCall("vf_r.a", "vf_r", "sunsim", "flashcall", "+79161234567", callerId,
                null, placedAt, "delivered", null);
    }

    @Test
    void theRecordIsTheCallListRowOfTheCallWithItsCallingNumberMaskedAndTheRecordingItsFile() {
        SunSimClient c = replica();
        java.time.Instant placed = emulator.now();
        // an earlier call to the same number (another caller ID of the pool, whose visible digits are the same), the
        // call itself, a call to someone else, a call from another pool
        emulator.addCall(new SunSimEmulator.Row(placed.minusSeconds(50), "74950003344", "79161234567", 1, 3, null));
        emulator.addCall(new SunSimEmulator.Row(placed, "74990001122", "79161234567", 1, 4, "rec-3"));
        emulator.addCall(new SunSimEmulator.Row(placed.plusSeconds(1), "74950001122", "79161234567", 1, 7, "rec-1"));
        emulator.addCall(new SunSimEmulator.Row(placed, "74950001122", "79160000000", 1, 5, "rec-2"));
        String masked = io.callauth.common.Masking.callerId("74950001122", 4);
        io.callauth.provider.KeptCall call = kept(masked, placed.toEpochMilli());

        java.util.Optional<JsonNode> record = c.record(call).await().indefinitely();
        assertThat(record).isPresent();
        assertThat(record.get().path("callRecordId").asText()).isEqualTo("rec-1");
        assertThat(record.get().path("callDuration").asText()).isEqualTo("7");
        assertThat(record.get().path("extNum").asText()).isEqualTo("7495000****");
        assertThat(record.get().toString()).doesNotContain("1122");

        io.callauth.provider.CallAudio audio = c.recording(call, record).await().indefinitely().orElseThrow();
        assertThat(audio.contentType()).isEqualTo("audio/mpeg");
        byte[] bytes = audio.body().collect().in(io.vertx.mutiny.core.buffer.Buffer::buffer,
                io.vertx.mutiny.core.buffer.Buffer::appendBuffer).await().indefinitely().getBytes();
        assertThat(bytes).isEqualTo(io.callauth.provider.Mp3Fixture.bytes());
        assertThat(audio.length()).isEqualTo(bytes.length);
        assertThat(emulator.recordFiles()).isEqualTo(1);

        // a row without a recording: a record, no recording; no row at all: no record
        emulator.addCall(new SunSimEmulator.Row(placed.plusSeconds(3600 * 3), "74950001122", "79161234567", 1, 0, null));
        io.callauth.provider.KeptCall later = kept(masked, placed.plusSeconds(3600 * 3).toEpochMilli());
        java.util.Optional<JsonNode> unrecorded = c.record(later).await().indefinitely();
        assertThat(unrecorded).isPresent();
        assertThat(c.recording(later, unrecorded).await().indefinitely()).isEmpty();
        assertThat(c.record(kept(masked, placed.plusSeconds(3600 * 24).toEpochMilli())).await().indefinitely()).isEmpty();
    }
}
