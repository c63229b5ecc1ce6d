package io.callauth.webhooks;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Signatures against the Standard Webhooks specification's published test vector, and against an independent
 * verifier: the specification's own Java library ({@code com.standardwebhooks:standardwebhooks}).
 */
class SignaturesTest {

    // the specification's test vector (its reference libraries' tests: Java, Python, JavaScript, Go, ...)
    static final String VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final long VECTOR_TIMESTAMP = 1614265330L;
    static final String VECTOR_BODY = "{\"test\": 2432232314}";
    static final String VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    @Test
    void theSpecificationsTestVectorIsReproducedExactly() {
        assertThat(Signatures.sign(VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY, List.of(VECTOR_SECRET)))
                .isEqualTo(VECTOR_SIGNATURE);
    }

    @Test
    void theTestVectorVerifiesAndAnyChangeDoesNot() {
        assertThat(Signatures.verify(VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY, VECTOR_SIGNATURE, VECTOR_SECRET)).isTrue();
        assertThat(Signatures.verify(VECTOR_ID, VECTOR_TIMESTAMP, "{\"test\": 2432232315}", VECTOR_SIGNATURE,
                VECTOR_SECRET)).as("another body").isFalse();
        assertThat(Signatures.verify(VECTOR_ID, VECTOR_TIMESTAMP + 1, VECTOR_BODY, VECTOR_SIGNATURE, VECTOR_SECRET))
                .as("another timestamp").isFalse();
        assertThat(Signatures.verify("msg_p5jXN8AQM9LWM0D4loKWxJeK", VECTOR_TIMESTAMP, VECTOR_BODY, VECTOR_SIGNATURE,
                VECTOR_SECRET)).as("another id").isFalse();
        assertThat(Signatures.verify(VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY, VECTOR_SIGNATURE, Signatures.newSecret()))
                .as("another secret").isFalse();
        assertThat(Signatures.verify(VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY, VECTOR_SIGNATURE.replace("v1,", "v2,"),
                VECTOR_SECRET)).as("another scheme version").isFalse();
        assertThat(Signatures.verify(VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY, VECTOR_SIGNATURE.substring(3),
                VECTOR_SECRET)).as("no version").isFalse();
        assertThat(Signatures.verify(VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY, "", VECTOR_SECRET)).isFalse();
        assertThat(Signatures.verify(VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY, null, VECTOR_SECRET)).isFalse();
        assertThat(Signatures.verify(VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY, VECTOR_SIGNATURE, "whsec_%%%"))
                .as("a secret that is not base64").isFalse();
    }

    @Test
    void aRotationSignsWithBothSecretsAndEitherVerifies() {
        String old = Signatures.newSecret();
        String current = Signatures.newSecret();
        String header = Signatures.sign("evt_1", 1_700_000_000L, "{}", List.of(current, old));
        String[] parts = header.split(" ");
        assertThat(parts).hasSize(2);
        assertThat(parts[0]).isEqualTo(Signatures.sign("evt_1", 1_700_000_000L, "{}", List.of(current)));
        assertThat(parts[1]).isEqualTo(Signatures.sign("evt_1", 1_700_000_000L, "{}", List.of(old)));
        assertThat(Signatures.verify("evt_1", 1_700_000_000L, "{}", header, current)).isTrue();
        assertThat(Signatures.verify("evt_1", 1_700_000_000L, "{}", header, old)).isTrue();
        assertThat(Signatures.verify("evt_1", 1_700_000_000L, "{}", header, Signatures.newSecret())).isFalse();
    }

    @Test
    void aNewSecretIsThePrefixAndBase64OfThirtyTwoRandomBytes() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String secret = Signatures.newSecret();
            assertThat(secret).matches("whsec_[A-Za-z0-9+/]{43}=");
            assertThat(Signatures.keyOf(secret)).hasSize(32)
                    .isEqualTo(Base64.getDecoder().decode(secret.substring("whsec_".length())));
            seen.add(secret);
        }
        assertThat(seen).hasSize(100);
    }

    @Test
    void theKeyIsTheSecretsDecodedBytesNotItsText() {
        assertThat(Signatures.keyOf(VECTOR_SECRET)).isEqualTo(Base64.getDecoder().decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
        assertThat(Signatures.keyOf("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")).as("the prefix is optional, as in the reference")
                .isEqualTo(Signatures.keyOf(VECTOR_SECRET));
        assertThatThrownBy(() -> Signatures.keyOf("whsec_")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Signatures.keyOf("whsec_not base64!")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Signatures.keyOf(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Signatures.sign("evt_1", 1L, "{}", List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theReferenceLibrarySignsAsWeDo() throws Exception {
        for (int i = 0; i < 50; i++) {
            String secret = Signatures.newSecret();
            String body = "{\"type\":\"verification.approved\",\"n\":" + i + ",\"note\":\"ünïcödé ✓ 日本\"}";
            long ts = 1_700_000_000L + i;
            assertThat(Signatures.sign("evt_" + i, ts, body, List.of(secret)))
                    .isEqualTo(new Webhook(secret).sign("evt_" + i, ts, body));
        }
    }

    @Test
    void theReferenceLibraryVerifiesWhatWeSignAndRefusesATamperedBody() throws Exception {
        String secret = Signatures.newSecret();
        String old = Signatures.newSecret();
        String body = "[{\"id\":\"evt_1\",\"type\":\"verification.started\",\"data\":{\"phone\":\"+79161234567\"}}]";
        long now = System.currentTimeMillis() / 1000; // the library allows 5 minutes around its own clock
        Map<String, List<String>> headers = Map.of(
                "webhook-id", List.of("batch_1"),
                "webhook-timestamp", List.of(Long.toString(now)),
                "webhook-signature", List.of(Signatures.sign("batch_1", now, body, List.of(secret, old))));
        new Webhook(secret).verify(body, headers);
        new Webhook(old).verify(body, headers);
        assertThatThrownBy(() -> new Webhook(secret).verify(body.replace("started", "approved"), headers))
                .isInstanceOf(WebhookVerificationException.class);
        assertThatThrownBy(() -> new Webhook(Signatures.newSecret()).verify(body, headers))
                .isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void weVerifyWhatTheReferenceLibrarySigns() throws Exception {
        String secret = Signatures.newSecret();
        String header = new Webhook(secret).sign("evt_x", 1_700_000_123L, "{\"a\":1}");
        assertThat(Signatures.verify("evt_x", 1_700_000_123L, "{\"a\":1}", header, secret)).isTrue();
        assertThat(Signatures.verify("evt_x", 1_700_000_123L, "{\"a\":1}", "v1,AAAA " + header + " v2,BBBB", secret))
                .as("among other signatures").isTrue();
    }
}
