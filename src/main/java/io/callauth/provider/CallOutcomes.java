package io.callauth.provider;

import io.smallrye.mutiny.Uni;

/** Where final call statuses go, whether polled or pushed. Implemented by the verification core. */
public interface CallOutcomes {
    /**
     * Records the final status of a call. Stale reports (a call that is no longer the verification's current call,
     * a repeated callback) are ignored; answers whether the report changed anything.
     */
    Uni<Boolean> report(String callRef, CallStatus status, String detail);
}
