package io.callauth.background;

import io.callauth.attempts.AttemptLog;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One consumer of a job's group over its part of the stream's shards (s % parts == part). Each round:
 * <ol>
 *   <li>re-reads what it holds unacknowledged (at its start and after a round that failed);</li>
 *   <li>claims entries another consumer has held longer than the job's claim-idle (a replica that died; looked for
 *   twice per claim-idle, and on every round while a claim comes back full);</li>
 *   <li>reads new entries in batches, gathered over its shards from a rotating first shard, until they are drained or
 *   the round's time is used;</li>
 *   <li>flushes the job and acknowledges what it handled (also every {@value #FLUSH_EVERY} batches).</li>
 * </ol>
 * Stops at the first failed batch: what was handled but not acknowledged stays pending for this consumer and is
 * handed again next round. One thread runs a consumer at a time.
 */
public final class StreamConsumer {

    private static final Logger LOG = Logger.getLogger(StreamConsumer.class);
    /** how long one round may keep draining before it lets the next round start */
    static final Duration ROUND_BUDGET = Duration.ofSeconds(5);
    /** batches handled without waiting for the job's flush (and the acknowledgement) */
    static final int FLUSH_EVERY = 4;

    private final RedisDataSource redis;
    private final AttemptLog log;
    private final StreamJob job;
    private final String name;
    private final Duration claimIdle;
    private final int part;
    private final int parts;
    /** the shard each pass starts at: rotated, so no shard always comes last when the round's time runs out */
    private int start;
    /** ids of the entries handled but not yet flushed, by shard: acknowledged after the next flush */
    private final Map<Integer, List<String>> unflushed = new TreeMap<>();
    private int unflushedBatches;
    /** the shards whose group is known to exist (XGROUP CREATE once, not every round) */
    private final Set<Integer> grouped = new HashSet<>();
    /** whether this consumer may hold entries it has not acknowledged: at its start and after a failed round */
    private boolean mayHoldPending = true;
    /** System.nanoTime() of the last pass over the others' stale entries (XAUTOCLAIM), if any */
    private long lastClaimPass;
    private boolean claimedOnce;

    StreamConsumer(RedisDataSource redis, AttemptLog log, StreamJob job, String name, Duration claimIdle, int part,
                   int parts) {
        this.redis = redis;
        this.log = log;
        this.job = job;
        this.name = name;
        this.claimIdle = claimIdle;
        this.part = part;
        this.parts = parts;
    }

    public String name() {
        return name;
    }

    private boolean mine(int shard) {
        return shard % parts == part;
    }

    /** One round (see the class comment); never throws: a failure is the job's to know, and the round says so. */
    public Round run() {
        int shards = log.shards();
        long deadline = System.nanoTime() + ROUND_BUDGET.toNanos();
        int batchSize = job.batchSize();
        int first = Math.floorMod(start++, shards);
        Round.Tally tally = new Round.Tally();
        try {
            for (int s = 0; s < shards; s++) {
                if (mine(s) && grouped.add(s)) {
                    AttemptStream.ensureGroup(redis, s, job.group());
                }
            }
            // 1. what this consumer holds: a batch that failed last time
            List<StreamEntry> held = new ArrayList<>();
            boolean moreHeld = false;
            for (int i = 0; i < shards && mayHoldPending; i++) {
                int shard = (first + i) % shards;
                if (mine(shard)) {
                    List<StreamEntry> got = read(shard, "0", batchSize);
                    moreHeld |= got.size() >= batchSize;
                    held.addAll(got);
                }
            }
            for (List<StreamEntry> chunk : chunks(held, batchSize)) {
                tally.add(chunk.size(), handle(chunk), false);
            }
            // 2. what a dead consumer holds
            List<StreamEntry> orphans = new ArrayList<>();
            long now = System.nanoTime();
            boolean claimPass = !claimedOnce || now - lastClaimPass >= claimIdle.toNanos() / 2;
            boolean moreOrphans = false;
            for (int i = 0; i < shards && claimPass; i++) {
                int shard = (first + i) % shards;
                if (mine(shard)) {
                    List<StreamEntry> got = claim(shard, batchSize);
                    moreOrphans |= got.size() >= batchSize;
                    orphans.addAll(got);
                }
            }
            if (claimPass && !moreOrphans) { // a full claim may have left more: the next round claims again
                claimedOnce = true;
                lastClaimPass = now;
            }
            for (List<StreamEntry> chunk : chunks(orphans, batchSize)) {
                tally.add(chunk.size(), handle(chunk), true);
            }
            // 3. new entries, batch after batch, each gathered over the shards
            while (System.nanoTime() < deadline) {
                List<StreamEntry> batch = new ArrayList<>();
                for (int i = 0; i < shards && batch.size() < batchSize; i++) {
                    int shard = (first + i) % shards;
                    if (mine(shard)) {
                        batch.addAll(read(shard, ">", batchSize - batch.size()));
                    }
                }
                if (batch.isEmpty()) {
                    break;
                }
                tally.add(batch.size(), handle(batch), false);
                if (batch.size() < batchSize) {
                    break;
                }
                first = (first + 1) % shards;
            }
            flushAndAck();
            mayHoldPending = moreHeld; // a full re-read may have left more: the next round reads on
            job.succeeded();
            return tally.round(false);
        } catch (Exception e) {
            // handled but not acknowledged: pending for this consumer, handed again next round
            mayHoldPending = true;
            forgetUnflushed();
            grouped.clear(); // Redis may have restarted empty (NOGROUP): the groups are made again
            job.failed(e);
            return tally.round(true);
        }
    }

    private StreamJob.Done handle(List<StreamEntry> batch) throws Exception {
        StreamJob.Done done = job.handle(batch);
        for (StreamEntry e : batch) {
            unflushed.computeIfAbsent(e.shard(), k -> new ArrayList<>()).add(e.entry().id());
        }
        if (++unflushedBatches >= FLUSH_EVERY) {
            flushAndAck();
        }
        return done;
    }

    /** makes the handled batches durable, then acknowledges their entries */
    private void flushAndAck() throws Exception {
        if (unflushed.isEmpty()) {
            return;
        }
        job.flush();
        unflushed.forEach((shard, ids) -> AttemptStream.ack(redis, shard, job.group(), ids));
        forgetUnflushed();
    }

    private void forgetUnflushed() {
        unflushed.clear();
        unflushedBatches = 0;
    }

    private List<StreamEntry> read(int shard, String from, int count) {
        String key = AttemptLog.stream(shard);
        Response r = redis.execute("XREADGROUP", "GROUP", job.group(), name, "COUNT", Integer.toString(count),
                "STREAMS", key, from);
        if (r == null || r.size() == 0) {
            return List.of();
        }
        // RESP3: {stream: [[id, [k, v, ...]], ...]}; RESP2: [[stream, [[id, [k, v, ...]], ...]]]
        boolean map = r.type() == io.vertx.redis.client.ResponseType.MULTI && !r.getKeys().isEmpty();
        return tag(shard, AttemptLog.entries(map ? r.get(key) : r.get(0).get(1)));
    }

    private List<StreamEntry> claim(int shard, int count) {
        Response r = redis.execute("XAUTOCLAIM", AttemptLog.stream(shard), job.group(), name,
                Long.toString(claimIdle.toMillis()), "0-0", "COUNT", Integer.toString(count));
        if (r == null || r.size() < 2) {
            return List.of();
        }
        List<AttemptLog.Entry> entries = AttemptLog.entries(r.get(1));
        if (!entries.isEmpty()) {
            LOG.infof("%s consumer %s claimed %d records of %s held by a consumer idle for %s or more", job.group(),
                    name, entries.size(), AttemptLog.stream(shard), claimIdle);
        }
        // entries trimmed while pending come back as nil: nothing to hand, acknowledge them so they go away
        List<String> gone = new ArrayList<>();
        for (Response e : r.get(1)) {
            if (e != null && e.get(1) == null && e.get(0) != null) {
                gone.add(e.get(0).toString());
            }
        }
        if (!gone.isEmpty()) {
            AttemptStream.ack(redis, shard, job.group(), gone);
        }
        return tag(shard, entries);
    }

    private static List<StreamEntry> tag(int shard, List<AttemptLog.Entry> entries) {
        return entries.stream().map(e -> new StreamEntry(shard, e)).toList();
    }

    private static List<List<StreamEntry>> chunks(List<StreamEntry> all, int size) {
        List<List<StreamEntry>> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i += size) {
            out.add(all.subList(i, Math.min(all.size(), i + size)));
        }
        return out;
    }

    /** what one round of a consumer (or of a replica's consumers, summed) did */
    public record Round(int read, int written, int duplicates, int claimed, boolean failed) {

        static Round sum(List<Round> rounds) {
            return new Round(rounds.stream().mapToInt(Round::read).sum(),
                    rounds.stream().mapToInt(Round::written).sum(),
                    rounds.stream().mapToInt(Round::duplicates).sum(),
                    rounds.stream().mapToInt(Round::claimed).sum(), rounds.stream().anyMatch(Round::failed));
        }

        static final class Tally {
            private int read, written, duplicates, claimed;

            void add(int size, StreamJob.Done done, boolean orphans) {
                read += size;
                written += done.written();
                duplicates += done.duplicates();
                if (orphans) {
                    claimed += size;
                }
            }

            Round round(boolean failed) {
                return new Round(read, written, duplicates, claimed, failed);
            }
        }
    }
}
