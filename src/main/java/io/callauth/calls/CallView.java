package io.callauth.calls;

import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * One call of a verification as the fraud team sees it: ours ({@code callRef}, provider, channel, the caller id masked
 * as the provider shows it, when it was placed, its status) and {@code record}, what the provider itself keeps of the
 * call (Yunhu CDR, SunSim call list row, CallPass status result), or null when the provider keeps none.
 */
public record CallView(String callRef, String provider, String channel, String callerId, Instant placedAt,
                       String callStatus, JsonObject record) {
}
