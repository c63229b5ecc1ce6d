package io.callauth.webhooks;

import io.callauth.common.ApiProblem;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The beans as the app builds them from application.properties (the test profile): what the backend's tests meet. */
@QuarkusTest
class WebhooksWiringTest {

    @Inject
    Targets targets;

    @Inject
    SecretBox box;

    @Inject
    WebhooksConfig config;

    @Test
    void theTestProfileTakesAReceiverOn127001AndNoOtherLoopbackName() throws Exception {
        assertThat(config.allowHttp()).isTrue();
        try (Receiver receiver = Receiver.start()) {
            String url = receiver.url("/hook").toString();
            targets.checkAtRegistration(url);
            assertThat(targets.resolveForSend(receiver.url("/hook"))).isEqualTo(InetAddress.getByName("127.0.0.1"));
        }
        assertThatThrownBy(() -> targets.checkAtRegistration("http://localhost:9/hook"))
                .isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.code()).isEqualTo("invalid_webhook_url"));
        assertThatThrownBy(() -> targets.checkAtRegistration("http://10.0.0.1/hook")).isInstanceOf(ApiProblem.class);
    }

    @Test
    void theSecretBoxIsKeyedByTheCodeSecret() {
        String secret = Signatures.newSecret();
        String sealed = box.seal(secret);
        assertThat(box.open(sealed)).isEqualTo(secret);
        SecretBox sameKey = new SecretBox(config,
                java.util.Optional.of("test-only-code-secret-not-for-production-0123456789"));
        assertThat(sameKey.open(sealed)).as("the %test code secret of application.properties").isEqualTo(secret);
    }
}
