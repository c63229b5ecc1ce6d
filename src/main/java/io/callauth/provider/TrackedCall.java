package io.callauth.provider;

/** A placed call being followed until it has a final status or its deadline (epoch millis) passes. */
public record TrackedCall(String callRef, String verificationId, String provider, String providerCallId, String phone,
                          long placedAt, long deadline) {
}
