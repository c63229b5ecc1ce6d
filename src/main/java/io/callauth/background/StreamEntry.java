package io.callauth.background;

import io.callauth.attempts.AttemptLog;
import io.callauth.attempts.AttemptRecord;

/** One entry of the attempt stream as a job gets it: its shard, its stream id and its record. */
public record StreamEntry(int shard, AttemptLog.Entry entry) {

    /** the entry's id, unique over all shards ({@link AttemptLog#archiveId}): the key that makes a job's work idempotent */
    public String archiveId() {
        return AttemptLog.archiveId(shard, entry.id());
    }

    public AttemptRecord record() {
        return entry.record();
    }
}
