package io.callauth.verification;

import io.smallrye.mutiny.Uni;

/** Told of every started and approved verification (region and 8-digit prefix only), e.g. for conversion alerts. */
public interface VerificationObserver {
    Uni<Void> started(String region, String prefix);

    Uni<Void> approved(String region, String prefix);
}
