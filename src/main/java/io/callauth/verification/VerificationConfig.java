package io.callauth.verification;

import io.callauth.common.InRange;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "callauth.verification")
public interface VerificationConfig {

    /** digits the user types: the last N digits of the calling number */
    @WithDefault("4")
    @InRange(min = 4, max = 8)
    int codeLength();

    /** how long a code can be checked */
    @WithDefault("5M")
    Duration codeTtl();

    /** how long after expiry a verification can still be read */
    @WithDefault("15M")
    Duration statusGrace();

    /** check tries per verification */
    @WithDefault("5")
    @InRange(min = 1)
    int maxChecks();

    /** calls per verification: first, fallbacks and resends */
    @WithDefault("3")
    @InRange(min = 1)
    int maxCalls();

    /** how long an Idempotency-Key is remembered */
    @WithDefault("24H")
    Duration idempotencyTtl();


    /** how often a replica looks for expired verifications to log (one replica at a time, under a lock) */
    @WithDefault("30S")
    Duration expirySweep();

    default Duration keyTtl() {
        return codeTtl().plus(statusGrace());
    }

}
