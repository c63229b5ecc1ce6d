package io.callauth.provider.yunhu;

import io.callauth.provider.CallStatus;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Yunhu callbacks to our call statuses. A flash call needs the user's phone to ring, not to be answered:
 * <ul>
 * <li>call state {@code ring} on the user's leg (MakeCall: {@code isbleg} true, the mobile side; DoubleCall: the
 * A leg, {@code isbleg} false): delivered, the calling number is on the screen;</li>
 * <li>other states (the extension ringing, answer, hang-up): nothing yet, the CDR follows;</li>
 * <li>CDR with {@code answertime}: delivered; without, {@code hangupcause} decides: causes that mean the phone rang
 * and nobody answered (cancel, reject, no answer, …; configurable) delivered, the rest (busy, unreachable, line
 * failure, …) not delivered;</li>
 * <li>incoming calls ({@code direction} 1 or {@code callin}) are not ours. {@code direction} comes as 1/2 in the
 * documentation and as {@code "callout"} in its examples: both are read.</li>
 * </ul>
 */
final class YunhuEvents {

    record Outcome(CallStatus status, String detail) {
    }

    private YunhuEvents() {
    }

    static boolean outgoing(JsonNode n) {
        String d = text(n, "direction");
        if (d.isEmpty()) {
            d = text(n, "type");
        }
        return !Set.of("1", "callin", "in", "incoming", "inbound").contains(d.toLowerCase(Locale.ROOT));
    }

    static Optional<Outcome> fromState(JsonNode n, boolean doubleCall) {
        if (!text(n, "status").equalsIgnoreCase("ring")) {
            return Optional.empty();
        }
        boolean bLeg = text(n, "isbleg").equalsIgnoreCase("true");
        return bLeg != doubleCall ? Optional.of(new Outcome(CallStatus.DELIVERED, "ring")) : Optional.empty();
    }

    static Outcome fromCdr(JsonNode n, Set<Integer> deliveredCauses) {
        String cause = text(n, "hangupcause");
        if (!text(n, "answertime").isEmpty()) {
            return new Outcome(CallStatus.DELIVERED, "answered");
        }
        Integer code = null;
        try {
            code = Integer.valueOf(cause);
        } catch (NumberFormatException ignored) {
            // absent or unreadable: not a cause that says the phone rang
        }
        String detail = "hangupcause " + (cause.isEmpty() ? "?" : cause);
        return new Outcome(code != null && deliveredCauses.contains(code) ? CallStatus.DELIVERED : CallStatus.NOT_DELIVERED,
                detail);
    }

    /** a field as text whether it came as a string, a number or a boolean; empty when absent or null */
    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? "" : v.asText("").trim();
    }
}
