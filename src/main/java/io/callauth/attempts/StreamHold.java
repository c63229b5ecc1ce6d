package io.callauth.attempts;

import java.util.Optional;

/**
 * Another reader of the attempt stream that needs entries kept after they were archived (the expiry sweep reads
 * the {@code started} records of the last code lifetime). The ingester never trims past the oldest entry any hold
 * still needs.
 */
public interface StreamHold {

    /** the oldest stream id of one shard ({@link AttemptLog#stream}) this reader still needs, or empty when none */
    Optional<String> oldestNeeded(int shard);
}
