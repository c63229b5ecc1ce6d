package io.callauth.verification;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The id shape checked before any Redis read: {@code vf_} and 32 lowercase hex digits, nothing else. */
class VerificationIdTest {

    @Test
    void onlyTheIssuedShapeIsAnId() {
        assertThat(VerificationReader.validId("vf_0123456789abcdef0123456789abcdef")).isTrue();
        assertThat(VerificationReader.validId("vf_" + "f".repeat(32))).isTrue();
        assertThat(VerificationReader.validId(null)).isFalse();
        assertThat(VerificationReader.validId("")).isFalse();
        assertThat(VerificationReader.validId("vf_0123456789ABCDEF0123456789abcdef")).as("upper case").isFalse();
        assertThat(VerificationReader.validId("vf_0123456789abcdef0123456789abcde")).as("31 digits").isFalse();
        assertThat(VerificationReader.validId("vf_0123456789abcdef0123456789abcdef0")).as("33 digits").isFalse();
        assertThat(VerificationReader.validId("vx_0123456789abcdef0123456789abcdef")).as("prefix").isFalse();
        assertThat(VerificationReader.validId("vf_0123456789abcdeg0123456789abcdef")).as("g").isFalse();
        assertThat(VerificationReader.validId("vf_0123456789abcdef0123456789abcd/f")).as("slash").isFalse();
        assertThat(VerificationReader.validId("vf_0123456789abcdef0123456789abcd\u0660f")).as("other digits").isFalse();
    }
}
