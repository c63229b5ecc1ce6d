package io.callauth.provider;

/** What a provider tells about a call it placed: still {@code CALLING}, or a final status with its raw detail. */
public record CallProgress(CallStatus status, String detail) {
    public static CallProgress calling() {
        return new CallProgress(CallStatus.CALLING, null);
    }
}
