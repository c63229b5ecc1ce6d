package io.callauth.provider.callpass;

import io.callauth.provider.CallStatus;


/**
 * CallPass {@code data.result} call statuses to ours. The seed names three; a flash call is meant to ring and not be
 * answered, so:
 * <ul>
 * <li>{@code NORMAL_CLEARING} (answered): delivered, the calling number was shown;</li>
 * <li>{@code NO_ANSWER}: delivered, the phone rang with the calling number and nobody picked up, which is what a
 * flash call is for;</li>
 * <li>{@code USER_BUSY}: not delivered, the number may never have been shown;</li>
 * <li>{@code "null"} (the string) or an absent result: still calling;</li>
 * <li>any other value (not in the seed, e.g. another SIP cause): not delivered, so the chain falls back.</li>
 * </ul>
 */
final class CallPassStatus {
    private CallPassStatus() {
    }

    static CallStatus map(String result) {
        if (result == null || result.isEmpty() || result.equals("null")) {
            return CallStatus.CALLING;
        }
        return switch (result) {
            case "NORMAL_CLEARING", "NO_ANSWER" -> CallStatus.DELIVERED;
            default -> CallStatus.NOT_DELIVERED;
        };
    }
}
