package io.callauth.webhooks;

import io.callauth.common.Mappings;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretBoxTest {

    static final String CODE_SECRET = "test-code-secret-for-the-secret-box-0123456789";

    static SecretBox box(Map<String, String> webhooks, String codeSecret) {
        return new SecretBox(Mappings.of(WebhooksConfig.class, webhooks), Optional.ofNullable(codeSecret));
    }

    final SecretBox box = box(Map.of(), CODE_SECRET);

    @Test
    void aSealedSecretOpensToItself() {
        for (int i = 0; i < 20; i++) {
            String secret = Signatures.newSecret();
            String sealed = box.seal(secret);
            assertThat(sealed).startsWith("v1:");
            assertThat(box.open(sealed)).isEqualTo(secret);
        }
        assertThat(box.open(box.seal(""))).isEmpty();
        assertThat(box.open(box.seal("ünïcödé ✓"))).isEqualTo("ünïcödé ✓");
    }

    @Test
    void anotherReplicaWithTheSameServerSecretOpensIt() {
        String secret = Signatures.newSecret();
        assertThat(box(Map.of(), CODE_SECRET).open(box.seal(secret))).isEqualTo(secret);
    }

    @Test
    void eachSealHasItsOwnNonce() {
        String secret = Signatures.newSecret();
        Set<String> sealed = new HashSet<>();
        Set<String> nonces = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String s = box.seal(secret);
            sealed.add(s);
            nonces.add(HexFormat.of().formatHex(raw(s), 0, SecretBox.NONCE_BYTES));
        }
        assertThat(sealed).hasSize(200);
        assertThat(nonces).hasSize(200);
        assertThat(raw(box.seal(secret))).hasSize(SecretBox.NONCE_BYTES + secret.length() + 16);
    }

    @Test
    void theSealedTextHoldsNoPartOfTheSecret() {
        for (int i = 0; i < 200; i++) {
            String secret = Signatures.newSecret();
            String sealed = box.seal(secret);
            byte[] raw = raw(sealed);
            String rawText = new String(raw, StandardCharsets.ISO_8859_1);
            byte[] key = Signatures.keyOf(secret);
            for (int at = 0; at + 8 <= secret.length(); at++) {
                String part = secret.substring(at, at + 8);
                assertThat(sealed).doesNotContain(part);
                assertThat(rawText).doesNotContain(part);
            }
            for (int at = 0; at + 8 <= key.length; at++) {
                assertThat(rawText).doesNotContain(new String(key, at, 8, StandardCharsets.ISO_8859_1));
            }
        }
    }

    @Test
    void anyChangeIsDetected() {
        String sealed = box.seal(Signatures.newSecret());
        byte[] raw = raw(sealed);
        for (int i = 0; i < raw.length; i++) { // the nonce, the ciphertext and the tag alike
            byte[] changed = raw.clone();
            changed[i] ^= 0x01;
            String text = "v1:" + Base64.getEncoder().encodeToString(changed);
            assertThatThrownBy(() -> box.open(text)).as("byte " + i).isInstanceOf(IllegalArgumentException.class);
        }
        byte[] cut = java.util.Arrays.copyOf(raw, raw.length - 1);
        assertThatThrownBy(() -> box.open("v1:" + Base64.getEncoder().encodeToString(cut)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> box.open("v1:AAAA")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> box.open("v2:" + sealed.substring(3))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> box.open(sealed.substring(3))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> box.open("v1:%%%")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> box.open(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theKeyIsTheServersSecretKeyWhenSetElseTheCodeSecret() {
        String secret = Signatures.newSecret();
        SecretBox otherCodeSecret = box(Map.of(), CODE_SECRET + "x");
        assertThatThrownBy(() -> otherCodeSecret.open(box.seal(secret))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("another key");

        SecretBox ownKey = box(Map.of("callauth.webhooks.secret-key", "a-webhooks-key-of-its-own-0123456789abcdef"),
                CODE_SECRET);
        SecretBox ownKeyOtherCodeSecret = box(Map.of("callauth.webhooks.secret-key",
                "a-webhooks-key-of-its-own-0123456789abcdef"), "another-code-secret-0123456789abcdef");
        String sealed = ownKey.seal(secret);
        assertThat(ownKeyOtherCodeSecret.open(sealed)).as("the code secret plays no part then").isEqualTo(secret);
        assertThatThrownBy(() -> box.open(sealed)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aShortSecretKeyIsAProblemForTheStartupReport() {
        assertThat(SecretBox.problem(Mappings.of(WebhooksConfig.class, Map.of()))).isEmpty();
        assertThat(SecretBox.problem(Mappings.of(WebhooksConfig.class,
                Map.of("callauth.webhooks.secret-key", "0123456789abcdef0123456789abcdef")))).isEmpty();
        assertThat(SecretBox.problem(Mappings.of(WebhooksConfig.class,
                Map.of("callauth.webhooks.secret-key", "short")))).hasValueSatisfying(p -> assertThat(p)
                .contains("CALLAUTH_WEBHOOKS_SECRET_KEY", "32"));
    }

    @Test
    void theKeyIsDerivedWithHkdfSha256AsRfc5869Has() {
        // RFC 5869, appendix A.1 (basic test case with SHA-256)
        byte[] ikm = HexFormat.of().parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
        byte[] salt = HexFormat.of().parseHex("000102030405060708090a0b0c");
        byte[] info = HexFormat.of().parseHex("f0f1f2f3f4f5f6f7f8f9");
        assertThat(HexFormat.of().formatHex(SecretBox.hkdfSha256(salt, ikm, info, 42))).isEqualTo(
                "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
        // A.3: no salt, no info
        assertThat(HexFormat.of().formatHex(SecretBox.hkdfSha256(null, ikm, new byte[0], 42))).isEqualTo(
                "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
    }

    private static byte[] raw(String sealed) {
        return Base64.getDecoder().decode(sealed.substring(3));
    }
}
