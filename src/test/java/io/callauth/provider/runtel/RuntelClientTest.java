package io.callauth.provider.runtel;

import io.callauth.provider.CallRequest;
import io.callauth.provider.CallStatus;
import io.callauth.provider.Channel;
import io.callauth.provider.PlacedCall;
import io.callauth.provider.ProviderException;
import io.callauth.provider.ProvidersConfig;
import io.callauth.provider.support.ProviderMetrics;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callauth.common.Mappings;
import io.callauth.common.MutableClock;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Runtel adapter: logins few and shared, never twice within the back-off after a failure. */
@QuarkusTest
class RuntelClientTest {

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

    RuntelEmulator emulator;

    @BeforeEach
    void setUp() {
        emulator = RuntelEmulator.start("a@office.runtel.org", "s3cret");
        clock.reset();
        redis.execute("DEL", "ca:token:{runtel}", "ca:token:{runtel}:lock", "ca:token:{runtel}:backoff")
                .await().indefinitely();
    }

    @AfterEach
    void tearDown() {
        emulator.close();
        clock.reset();
    }

    private RuntelClient replica(String password) {
        RuntelConfig config = Mappings.of(RuntelConfig.class, Map.of(
                "callauth.providers.runtel.url", emulator.url(),
                "callauth.providers.runtel.login", "a@office.runtel.org",
                "callauth.providers.runtel.password", password,
                "callauth.providers.runtel.caller-ids", "74951112233",
                "callauth.providers.runtel.request-timeout", "2S"));
        return new RuntelClient(config, json, clock, redis, providers, metrics);
    }

    private static CallRequest request(String ref) {
        return new CallRequest(ref, "vf_1", "+79161234567", Channel.FLASHCALL, 4);
    }

    @Test
    void placesTheConfiguredActionWithOneSharedLogin() {
        RuntelClient a = replica("s3cret");
        RuntelClient b = replica("s3cret");
        PlacedCall placed = a.placeCall(request("vf_1.a")).await().indefinitely();
        b.placeCall(request("vf_1.b")).await().indefinitely();
        assertThat(emulator.logins()).isEqualTo(1);
        assertThat(emulator.calls()).first().satisfies(c -> {
            assertThat(c.get("action_id")).isEqualTo("vf_1.a");
            assertThat(c.get("from")).isEqualTo("74951112233");
            assertThat(c.get("to")).isEqualTo("79161234567");
        });
        assertThat(placed.digits()).isEqualTo("74951112233");
        assertThat(placed.status()).isEqualTo(CallStatus.CALLING);
        assertThat(a.statusAtRingTimeout()).as("no status source: delivered, unconfirmed").isEqualTo(CallStatus.DELIVERED);
        RuntelClient strict = new RuntelClient(Mappings.of(RuntelConfig.class, Map.of(
                "callauth.providers.runtel.at-ring-timeout", "not_delivered")), json, clock, redis, providers, metrics);
        assertThat(strict.statusAtRingTimeout()).isEqualTo(CallStatus.NOT_DELIVERED);
        RuntelClient wrong = new RuntelClient(Mappings.of(RuntelConfig.class, Map.of(
                "callauth.providers.runtel.at-ring-timeout", "maybe")), json, clock, redis, providers, metrics);
        assertThat(wrong.missingConfiguration()).contains("callauth.providers.runtel.at-ring-timeout must be delivered"
                + " or not_delivered");
    }

    @Test
    void anExpiredTokenMeansOneNewLoginAndOneRetry() {
        RuntelClient c = replica("s3cret");
        c.placeCall(request("vf_2.a")).await().indefinitely();
        emulator.expireTokens();
        c.placeCall(request("vf_2.b")).await().indefinitely();
        assertThat(emulator.logins()).isEqualTo(2);
        assertThat(emulator.calls()).hasSize(2);
    }

    @Test
    void aFailedLoginIsNeverRetriedWithinItsBackOff() {
        RuntelClient c = replica("wrong");
        RuntelClient other = replica("wrong");
        assertThatThrownBy(() -> c.placeCall(request("vf_3.a")).await().indefinitely())
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProviderException.Reason.UNAVAILABLE));
        assertThat(emulator.failedLogins()).isEqualTo(1);
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> other.placeCall(request("vf_3.b")).await().indefinitely())
                    .isInstanceOf(ProviderException.class).hasMessageContaining("backing off");
        }
        clock.advance(Duration.ofSeconds(119));
        assertThatThrownBy(() -> c.placeCall(request("vf_3.c")).await().indefinitely()).hasMessageContaining("backing off");
        assertThat(emulator.failedLogins()).as("no login within the back-off, on any replica").isEqualTo(1);
        assertThat(c.sessionToken().orElseThrow().backoffState().await().indefinitely()).isPresent();
        clock.advance(Duration.ofSeconds(2));
        assertThatThrownBy(() -> c.placeCall(request("vf_3.d")).await().indefinitely()).isInstanceOf(ProviderException.class);
        assertThat(emulator.failedLogins()).isEqualTo(2);
        // the back-off doubles: 4 minutes now
        clock.advance(Duration.ofMinutes(3));
        assertThatThrownBy(() -> c.placeCall(request("vf_3.e")).await().indefinitely()).hasMessageContaining("backing off");
        assertThat(emulator.failedLogins()).isEqualTo(2);
        assertThat(emulator.blocked()).as("the PBX never got to block us").isFalse();
    }

    @Test
    void refusalsAndErrors() {
        RuntelClient c = replica("s3cret");
        emulator.refuseCalls(486);
        assertThatThrownBy(() -> c.placeCall(request("vf_4.a")).await().indefinitely())
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProviderException.Reason.REFUSED));
        emulator.refuseCalls(0);
        emulator.failWithHttp(502);
        assertThatThrownBy(() -> c.placeCall(request("vf_4.b")).await().indefinitely())
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.reason()).isEqualTo(ProviderException.Reason.ERROR));
    }
}
