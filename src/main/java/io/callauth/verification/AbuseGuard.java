package io.callauth.verification;

import io.callauth.common.ApiProblem;
import io.callauth.phone.PhoneNumbers;
import io.smallrye.mutiny.Uni;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Decides whether a start, resend or check may go ahead (geo permissions, number types, rate limits). Refuses by
 * failing with an {@link io.callauth.common.ApiProblem} whose extensions name the {@code rule}; the core records
 * the refusal in the attempt log. Implementations live in the ratelimit package.
 */
public interface AbuseGuard {

    enum Action { START, RESEND, CHECK }

    /** what is being attempted, by whom, to which number; {@code verdicts} is what earlier guards found */
    record Attempt(Action action, String apiKey, PhoneNumbers.Phone phone, ClientContext context, String verificationId,
                   Verdicts verdicts) {
        public Attempt(Action action, String apiKey, PhoneNumbers.Phone phone, ClientContext context,
                       String verificationId) {
            this(action, apiKey, phone, context, verificationId, new Verdicts());
        }
    }

    /**
     * What a guard found for the guards after it and for the attempt log: the fraud team's rules (io.callauth.rules,
     * run first) mark an attempt safe-listed by an enforced allow (the geo permissions and the prefix limit then let
     * it through) and note the refusals a monitor-mode block would have made (logged as {@code refused} with outcome
     * {@code monitor}; nothing is refused).
     */
    final class Verdicts {
        private volatile String allowedBy;
        private final List<ApiProblem> monitored = new CopyOnWriteArrayList<>();

        /** an enforced allow rule matched: the geo permissions and the prefix limit do not apply */
        public void safeList(String ruleId) {
            this.allowedBy = ruleId;
        }

        public boolean safeListed() {
            return allowedBy != null;
        }

        /** the id of the allow rule that safe-listed the attempt, or null */
        public String allowedBy() {
            return allowedBy;
        }

        /** a refusal that was only monitored: logged, not enforced */
        public void monitor(ApiProblem wouldRefuse) {
            monitored.add(wouldRefuse);
        }

        public List<ApiProblem> monitored() {
            return List.copyOf(monitored);
        }
    }

    /** lower runs first: cheap static checks before Redis buckets */
    default int order() {
        return 100;
    }

    Uni<Void> admit(Attempt attempt);
}
