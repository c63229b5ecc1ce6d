package io.callauth.provider.callpass;

import io.callauth.provider.CallProgress;
import io.callauth.provider.CallRequest;
import io.callauth.provider.CallStatus;
import io.callauth.provider.Channel;
import io.callauth.provider.PlacedCall;
import io.callauth.provider.ProviderException;
import io.callauth.provider.ProvidersConfig;
import io.callauth.provider.TrackedCall;
import io.callauth.provider.support.ProviderMetrics;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The adapter against the wire emulator, all three API versions, every documented answer shape. */
@QuarkusTest
@QuarkusTestResource(CallPassEmulatorResource.class)
class CallPassClientTest {

    @Inject
    ObjectMapper json;
    @Inject
    ProviderMetrics metrics;
    @Inject
    ProvidersConfig providers;

    CallPassEmulator emulator;

    @BeforeEach
    void reset() {
        emulator = CallPassEmulatorResource.emulator();
        emulator.reset();
    }

    private CallPassClient client(String version, String token, Duration requestTimeout) {
        CallPassConfig config = new CallPassConfig() {
            public Optional<String> url() {
                return Optional.of(emulator.url());
            }

            public Optional<String> token() {
                return Optional.of(token);
            }

            public String apiVersion() {
                return version;
            }

            public int ringTimeout() {
                return 5;
            }

            public Duration requestTimeout() {
                return requestTimeout;
            }
        };
        return new CallPassClient(config, json, providers, metrics);
    }

    private CallPassClient client(String version) {
        return client(version, CallPassEmulatorResource.TOKEN, Duration.ofSeconds(2));
    }

    private static CallRequest request() {
        return new CallRequest("vf_1.a", "vf_1", "+79161234567", Channel.FLASHCALL, 4);
    }

    private static TrackedCall tracked(PlacedCall p) {
        return new TrackedCall("vf_1.a", "vf_1", "callpass", p.providerCallId(), "+79161234567", 0, Long.MAX_VALUE);
    }

    @Test
    void v2PlacesAsyncAndPollsToTheOutcome() {
        emulator.pollsBeforeFinal(1).finalResult("NORMAL_CLEARING");
        CallPassClient c = client("v2");
        PlacedCall placed = c.placeCall(request()).await().indefinitely();
        CallPassEmulator.Call call = emulator.lastCall();
        assertThat(call.version()).isEqualTo("v2");
        assertThat(call.async()).isTrue();
        assertThat(call.dn()).isEqualTo("79161234567");
        assertThat(placed.status()).isEqualTo(CallStatus.CALLING);
        assertThat(placed.providerCallId()).isEqualTo(call.callid());
        assertThat(placed.digits()).isEqualTo(call.digits());
        assertThat(c.poll(tracked(placed)).await().indefinitely().status()).isEqualTo(CallStatus.CALLING);
        CallProgress done = c.poll(tracked(placed)).await().indefinitely();
        assertThat(done.status()).isEqualTo(CallStatus.DELIVERED);
        assertThat(done.detail()).isEqualTo("NORMAL_CLEARING");
    }

    @Test
    void v2AnswersWithPinAreReadToo() {
        emulator.v2CodeField("pin");
        PlacedCall placed = client("v2").placeCall(request()).await().indefinitely();
        assertThat(placed.digits()).isEqualTo(emulator.lastCall().digits()).hasSize(4);
    }

    @Test
    void v3CarriesSevenDigitsOfTheCallingNumber() {
        PlacedCall placed = client("v3").placeCall(request()).await().indefinitely();
        assertThat(emulator.lastCall().version()).isEqualTo("v3");
        assertThat(placed.digits()).hasSize(7).endsWith(emulator.lastCall().code(4));
    }

    @Test
    void v1IsSynchronousAndFinalOnItsAnswer() {
        emulator.finalResult("USER_BUSY");
        PlacedCall placed = client("v1").placeCall(request()).await().indefinitely();
        assertThat(emulator.lastCall().version()).isEqualTo("v1");
        assertThat(emulator.lastCall().async()).isFalse();
        assertThat(placed.status()).isEqualTo(CallStatus.NOT_DELIVERED);
        assertThat(placed.detail()).isEqualTo("USER_BUSY");
    }

    @Test
    void v1NeverRunsOnTheCallersThread() {
        emulator.syncRingDuration(Duration.ofMillis(300)).finalResult("NO_ANSWER");
        String caller = Thread.currentThread().getName();
        String[] ran = new String[1];
        PlacedCall placed = client("v1").placeCall(request())
                .invoke(() -> ran[0] = Thread.currentThread().getName()).await().indefinitely();
        assertThat(placed.status()).isEqualTo(CallStatus.DELIVERED);
        assertThat(ran[0]).isNotEqualTo(caller);
    }

    @Test
    void methodErrorsAreRefusals() {
        emulator.refuseCalls("balance is lower than limit for that call");
        assertThatThrownBy(() -> client("v2").placeCall(request()).await().indefinitely())
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ProviderException.Reason.REFUSED);
                    assertThat(e.getMessage()).contains("balance");
                });
    }

    @Test
    void httpErrorsAndBadTokensAreErrors() {
        emulator.failWithHttp(502);
        assertThatThrownBy(() -> client("v2").placeCall(request()).await().indefinitely())
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProviderException.Reason.ERROR));
        emulator.reset();
        assertThatThrownBy(() -> client("v2", "wrong", Duration.ofSeconds(2)).placeCall(request()).await().indefinitely())
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProviderException.Reason.ERROR));
    }

    @Test
    void slowAnswersAreTimeouts() {
        emulator.delayResponses(Duration.ofMillis(1500));
        assertThatThrownBy(() -> client("v2", CallPassEmulatorResource.TOKEN, Duration.ofMillis(300))
                .placeCall(request()).await().indefinitely())
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProviderException.Reason.TIMEOUT));
    }

    @Test
    void unknownCallIdIsNotDelivered() {
        CallProgress p = client("v2").poll(new TrackedCall("vf_1.a", "vf_1", "callpass",
                "00000000-0000-0000-0000-000000000000", "+79161234567", 0, 1)).await().indefinitely();
        assertThat(p.status()).isEqualTo(CallStatus.NOT_DELIVERED);
        assertThat(p.detail()).isEqualTo("can't find callid");
    }

    @Test
    void onlyPlusSevenIsDialled() {
        assertThatThrownBy(() -> client("v2").placeCall(new CallRequest("vf_1.a", "vf_1", "+442079460958",
                Channel.FLASHCALL, 4)).await().indefinitely())
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProviderException.Reason.REFUSED));
        assertThat(emulator.calls()).isEmpty();
    }

    @Test
    void statusMapping() {
        assertThat(CallPassStatus.map("null")).isEqualTo(CallStatus.CALLING);
        assertThat(CallPassStatus.map(null)).isEqualTo(CallStatus.CALLING);
        assertThat(CallPassStatus.map("NORMAL_CLEARING")).isEqualTo(CallStatus.DELIVERED);
        assertThat(CallPassStatus.map("NO_ANSWER")).isEqualTo(CallStatus.DELIVERED);
        assertThat(CallPassStatus.map("USER_BUSY")).isEqualTo(CallStatus.NOT_DELIVERED);
        assertThat(CallPassStatus.map("CALL_REJECTED")).isEqualTo(CallStatus.NOT_DELIVERED);
    }

    @Test
    void theRecordIsTheStatusResultWithoutCodeDigitsAndThereIsNoRecording() {
        CallPassClient c = client("v3");
        emulator.pollsBeforeFinal(0).finalResult("NO_ANSWER");
        PlacedCall placed = c.placeCall(request()).await().indefinitely();
        io.callauth.provider.KeptCall call = new io.callauth.provider.KeptCall("vf_1.a", "vf_1", "callpass",
                "flashcall", "+79161234567", "221****", placed.providerCallId(), System.currentTimeMillis(),
                "delivered", null);
        com.fasterxml.jackson.databind.JsonNode record = c.record(call).await().indefinitely().orElseThrow();
        assertThat(record.path("callid").asText()).isEqualTo(placed.providerCallId());
        assertThat(record.path("result").asText()).isEqualTo("NO_ANSWER");
        assertThat(record.has("pin") || record.has("phone")).isFalse();
        assertThat(emulator.statusPolls(placed.providerCallId())).isEqualTo(1);
        assertThat(c.recording(call, Optional.of(record)).await().indefinitely()).isEmpty();

        // a call CallPass does not know: its answer is the record; no provider call id: none
        io.callauth.provider.KeptCall unknown = new io.callauth.provider.KeptCall("vf_1.b", "vf_1", "callpass",
                "flashcall", "+79161234567", null, "00000000-0000-0000-0000-000000000000", 1L, "failed", null);
        assertThat(c.record(unknown).await().indefinitely().orElseThrow().path("message").asText())
                .isEqualTo("can't find callid");
        assertThat(c.record(new io.callauth.provider.KeptCall("vf_1.c", "vf_1", "callpass", "flashcall",
                "+79161234567", null, null, 1L, "failed", null)).await().indefinitely()).isEmpty();
    }
}
