package io.callauth.provider;

/**
 * A provider accepted the call. {@code digits} is what the user will see or hear (a pin, a calling number); the
 * code is its last {@code codeLength} digits. It never leaves the verification core except as an HMAC.
 * {@code status} is {@code CALLING} for asynchronous providers or already final for synchronous ones.
 */
public record PlacedCall(String provider, String providerCallId, String digits, CallStatus status, String detail) {

    @Override
    public String toString() {
        return "PlacedCall[provider=" + provider + ", providerCallId=" + providerCallId + ", status=" + status
                + ", detail=" + detail + "]";
    }
}
