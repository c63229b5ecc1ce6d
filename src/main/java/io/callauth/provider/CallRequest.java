package io.callauth.provider;

/**
 * One call to place. {@code callRef} is our id of this call (unique, stable, echoed back by providers that can
 * carry a custom id); {@code phone} is E.164 with the plus.
 */
public record CallRequest(String callRef, String verificationId, String phone, Channel channel, int codeLength) {
}
