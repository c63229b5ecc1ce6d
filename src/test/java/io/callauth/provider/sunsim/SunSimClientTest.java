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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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
        return replica(Map.of());
    }

    private SunSimClient replica(Map<String, String> more) {
        return new SunSimClient(config(more), json, clock, redis, providers, metrics,
                new io.callauth.provider.support.CallerIdDigest(new io.callauth.common.CodeSecret(java.util.Optional.of("sunsim-test-secret"))));
    }

    private SunSimConfig config(Map<String, String> more) {
        Map<String, String> properties = new java.util.HashMap<>(Map.of(
                "callauth.providers.sunsim.url", emulator.url(),
                "callauth.providers.sunsim.authorization-token", AUTH,
                "callauth.providers.sunsim.caller-ids", "+7 495 000-11-22,74950003344",
                "callauth.providers.sunsim.request-timeout", "2S",
                "callauth.providers.sunsim.call.body",
                "{\"abonentNum\":\"{{phone}}\",\"extNum\":\"{{callerId}}\",\"requestId\":\"{{callRef}}\"}"));
        properties.putAll(more);
        return Mappings.of(SunSimConfig.class, properties);
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
                new io.callauth.provider.support.CallerIdDigest(new io.callauth.common.CodeSecret(java.util.Optional.of("sunsim-test-secret"))).of(other),
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

    // ------------------------------------------------------------------ the call list's two layouts

    /** another account's caller ID, whose visible digits are those of our pool's numbers */
    private static final String OTHER_ACCOUNT = "74950009911";
    private static final io.callauth.provider.support.CallerIdDigest DIGEST =
            new io.callauth.provider.support.CallerIdDigest(new io.callauth.common.CodeSecret(java.util.Optional.of("sunsim-test-secret")));

    private static byte[] bytes(io.callauth.provider.CallAudio audio) {
        return audio.body().collect().in(io.vertx.mutiny.core.buffer.Buffer::buffer,
                io.vertx.mutiny.core.buffer.Buffer::appendBuffer).await().indefinitely().getBytes();
    }

    /**
     * Whichever way round the rows name the numbers, and with an operator that finds rows only by the account's own
     * numbers: the call is asked for by its caller ID, delivered, recorded (its caller ID masked, wherever it is),
     * and its recording served.
     */
    @ParameterizedTest
    @EnumSource(SunSimEmulator.Layout.class)
    void aCallIsDeliveredRecordedAndItsRecordingServedInEitherLayout(SunSimEmulator.Layout layout) {
        emulator.layout(layout).accountNumsOnly();
        SunSimClient c = replica();
        long placedAt = clock.millis();
        emulator.nextCallRecorded();
        PlacedCall placed = c.placeCall(request("vf_7.a")).await().indefinitely();
        TrackedCall tracked = new TrackedCall("vf_7.a", "vf_7", "sunsim", placed.providerCallId(), "+79161234567",
                placedAt, placedAt + 35_000);
        assertThat(c.poll(tracked).await().indefinitely().status()).isEqualTo(CallStatus.DELIVERED);
        assertThat(emulator.callListNums()).as("asked by the caller ID the call went out from")
                .containsExactly(placed.digits());
        // the pool's other number is not this call
        String other = placed.digits().equals("74950001122") ? "74950003344" : "74950001122";
        assertThat(c.poll(new TrackedCall("vf_7.b", "vf_7", "sunsim", DIGEST.of(other), "+79161234567", placedAt,
                placedAt + 35_000)).await().indefinitely().status()).isEqualTo(CallStatus.CALLING);

        String masked = io.callauth.common.Masking.callerId(placed.digits(), 4);
        io.callauth.provider.KeptCall kept = new io.callauth.provider.KeptCall("vf_7.a", "vf_7", "sunsim",
                "flashcall", "+79161234567", masked, placed.providerCallId(), emulator.now().toEpochMilli(),
                "delivered", null);
        JsonNode record = c.record(kept).await().indefinitely().orElseThrow();
        String callerField = layout == SunSimEmulator.Layout.CALLER_IN_EXT_NUM ? "extNum" : "abonentNum";
        String userField = layout == SunSimEmulator.Layout.CALLER_IN_EXT_NUM ? "abonentNum" : "extNum";
        assertThat(record.path(callerField).asText()).isEqualTo(masked);
        assertThat(record.path(userField).asText()).isEqualTo("79161234567");
        assertThat(record.toString()).doesNotContain(placed.digits().substring(7));
        assertThat(bytes(c.recording(kept, java.util.Optional.of(record)).await().indefinitely().orElseThrow()))
                .isEqualTo(io.callauth.provider.Mp3Fixture.bytes());
    }

    /**
     * Asked by the user's number (call-list-nums=destination) from an operator that finds rows by any number, the list
     * shows calls from another account's caller ID to the user, in either layout: never ours, whatever the job kept.
     */
    @ParameterizedTest
    @EnumSource(SunSimEmulator.Layout.class)
    void aRowOfAnotherAccountsCallerIdIsNeverOurs(SunSimEmulator.Layout layout) {
        emulator.layout(layout);
        SunSimClient c = replica(Map.of("callauth.providers.sunsim.call-list-nums", "destination"));
        long placedAt = clock.millis();
        emulator.nextCallMissing();
        PlacedCall placed = c.placeCall(request("vf_8.a")).await().indefinitely();
        emulator.addCall(new SunSimEmulator.Row(emulator.now(), OTHER_ACCOUNT, "79161234567", 1, 9, "rec-other"));
        for (String kept : new String[]{placed.providerCallId(), null}) {
            assertThat(c.poll(new TrackedCall("vf_8.a", "vf_8", "sunsim", kept, "+79161234567", placedAt,
                    placedAt + 35_000)).await().indefinitely().status()).as(kept).isEqualTo(CallStatus.CALLING);
        }
        assertThat(emulator.callListNums()).containsExactly("79161234567");
        // its visible digits are those of our masked caller ID: still not ours, with or without the kept digest
        String masked = io.callauth.common.Masking.callerId(placed.digits(), 4);
        for (String id : new String[]{placed.providerCallId(), null}) {
            assertThat(c.record(new io.callauth.provider.KeptCall("vf_8.a", "vf_8", "sunsim", "flashcall",
                    "+79161234567", masked, id, emulator.now().toEpochMilli(), "calling", null)).await().indefinitely())
                    .as(id).isEmpty();
        }
        // and our own row, once there, is
        emulator.addCall(new SunSimEmulator.Row(emulator.now(), placed.digits(), "79161234567", 1, 9, null));
        assertThat(c.poll(new TrackedCall("vf_8.a", "vf_8", "sunsim", placed.providerCallId(), "+79161234567",
                placedAt, placedAt + 35_000)).await().indefinitely().status()).isEqualTo(CallStatus.DELIVERED);
    }

    /** why the user's number is not the default: asked by it, an operator that lists the account's numbers finds none */
    @Test
    void askedByTheUsersNumberAnOperatorThatListsTheAccountsNumbersFindsNothing() {
        emulator.layout(SunSimEmulator.Layout.ACCOUNT_IN_ABONENT_NUM).accountNumsOnly();
        SunSimClient c = replica(Map.of("callauth.providers.sunsim.call-list-nums", "destination"));
        long placedAt = clock.millis();
        PlacedCall placed = c.placeCall(request("vf_9.a")).await().indefinitely();
        assertThat(c.poll(new TrackedCall("vf_9.a", "vf_9", "sunsim", placed.providerCallId(), "+79161234567",
                placedAt, placedAt + 35_000)).await().indefinitely().status()).isEqualTo(CallStatus.CALLING);
        assertThat(replica().poll(new TrackedCall("vf_9.a", "vf_9", "sunsim", placed.providerCallId(),
                "+79161234567", placedAt, placedAt + 35_000)).await().indefinitely().status())
                .isEqualTo(CallStatus.DELIVERED);
    }

    @Test
    void callListNumsIsCallerIdOrDestination() {
        assertThat(SunSimSettings.problems(config(Map.of()))).isEmpty();
        assertThat(SunSimSettings.problems(config(Map.of("callauth.providers.sunsim.call-list-nums", "destination"))))
                .isEmpty();
        assertThat(SunSimSettings.problems(config(Map.of("callauth.providers.sunsim.call-list-nums", "user"))))
                .containsExactly("callauth.providers.sunsim.call-list-nums must be caller-id or destination");
    }
}
