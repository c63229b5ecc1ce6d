package io.callauth.console;

import io.callauth.attempts.Attempt;
import io.callauth.attempts.AttemptType;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A verification's status as its archived records tell it: the status its last final record names (approved,
 * canceled, expired, failed, max_attempts_reached), else pending once it started; and its last event, which a call's
 * late outcome may follow the final status with.
 */
public record VerificationState(String status, Instant at, String lastEvent) {

    /** the record types that end a verification: each names its final status */
    static final Set<AttemptType> FINAL = EnumSet.of(AttemptType.APPROVED, AttemptType.CANCELED, AttemptType.EXPIRED,
            AttemptType.FAILED, AttemptType.MAX_ATTEMPTS_REACHED);
    static final String PENDING = "pending";

    /** from the timeline, oldest first; null when it holds no record */
    static VerificationState of(List<Attempt> timeline) {
        if (timeline.isEmpty()) {
            return null;
        }
        String last = timeline.get(timeline.size() - 1).type();
        for (int i = timeline.size() - 1; i >= 0; i--) {
            Attempt a = timeline.get(i);
            if (AttemptType.parse(a.type()).filter(FINAL::contains).isPresent()) {
                return new VerificationState(a.type(), a.at(), last);
            }
        }
        return new VerificationState(PENDING, null, last);
    }

    public boolean finished() {
        return at != null;
    }
}
