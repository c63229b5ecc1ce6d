package io.callauth.provider;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One placed call as callauth keeps it (in Redis while its verification lives, in the archive for the retention):
 * {@code callRef} is ours, {@code providerCallId} the provider's id when it has one that is not the calling number,
 * {@code phone} the destination (E.164), {@code callerId} the calling number masked (never the code),
 * {@code placedAt} epoch millis, {@code pushed} what the provider pushed about the call (a CDR), or null.
 */
public record KeptCall(String callRef, String verificationId, String provider, String channel, String phone,
                       String callerId, String providerCallId, long placedAt, String callStatus, JsonNode pushed) {
}
