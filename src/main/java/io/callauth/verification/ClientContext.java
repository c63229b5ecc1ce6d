package io.callauth.verification;

/** What the client tells about the end user, for the attempt log and the limits. All optional. */
public record ClientContext(String ip, String userAgent, String appId, String deviceId) {
    public static final ClientContext EMPTY = new ClientContext(null, null, null, null);
}
