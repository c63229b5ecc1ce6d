package io.callauth.verification;

import io.smallrye.mutiny.Uni;

/**
 * Decides whether a start, resend or check may go ahead (geo permissions, number types, rate limits). Refuses by
 * failing with an {@link io.callauth.common.ApiProblem} whose extensions name the {@code rule}; the core records
 * the refusal in the attempt log. Implementations live in the ratelimit package.
 */
public interface AbuseGuard {

    enum Action { START, RESEND, CHECK }

    /** what is being attempted, by whom, to which number */
    record Attempt(Action action, String apiKey, PhoneNumbers.Phone phone, ClientContext context, String verificationId) {
    }

    /** lower runs first: cheap static checks before Redis buckets */
    default int order() {
        return 100;
    }

    Uni<Void> admit(Attempt attempt);
}
