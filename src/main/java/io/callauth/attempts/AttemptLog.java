package io.callauth.attempts;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The attempt log's write side: one Redis Stream entry per event, one round trip, never blocked by anything else.
 * The stream is a buffer, not the archive: {@link AttemptIngester} moves its entries into PostgreSQL and trims it
 * behind what was archived. The append itself bounds it at {@code callauth.attempts.buffer-max} entries
 * ({@code XADD ... MAXLEN ~ n}), so an archive that stays down long drops the oldest entries rather than exhaust
 * Redis' memory (the ingester alerts well before).
 * <p>
 * The stream is sharded over {@code callauth.attempts.stream-shards} keys ({@code ca:attempts} is shard 0,
 * {@code ca:attempts:1} ... the others), so on a Redis Cluster the appends and reads spread over the masters instead
 * of all landing on one slot. A record's shard is a stable function of its verification id ({@link #shardOf}), so the
 * records of one verification keep their order. Each shard is one key: every command on it is a single-key command.
 */
@ApplicationScoped
public class AttemptLog {

    /** shard 0 (the key of the unsharded stream of earlier versions, so records written before an upgrade are read) */
    public static final String STREAM = "ca:attempts";
    private static final Logger LOG = Logger.getLogger(AttemptLog.class);

    private final ReactiveRedisDataSource redis;
    private final String maxLen;
    private final int shards;

    public AttemptLog(ReactiveRedisDataSource redis, AttemptsConfig config) {
        this.redis = redis;
        this.shards = Math.max(1, config.streamShards());
        // buffer-max bounds the whole buffer: each shard holds its share
        this.maxLen = Long.toString(Math.max(1, config.bufferMax() / shards));
    }

    /** the key of one shard of the stream */
    public static String stream(int shard) {
        return shard == 0 ? STREAM : STREAM + ":" + shard;
    }

    /** how many shards the stream has */
    public int shards() {
        return shards;
    }

    /** the shard of a record: by verification id (by phone for the records of no verification, e.g. refusals) */
    public int shardOf(AttemptRecord record) {
        String by = record.verificationId() != null ? record.verificationId() : record.phone();
        return io.callauth.common.Shards.of(by, shards);
    }

    /**
     * The id a record gets in the archive: the stream id, qualified by the shard past shard 0 ({@code ms-seq.shard}),
     * because two shards may hand out the same stream id in the same millisecond.
     */
    public static String archiveId(int shard, String streamId) {
        return shard == 0 ? streamId : streamId + "." + shard;
    }

    /** Appends; a failure is logged and swallowed: the attempt log must never fail the verification it describes. */
    public Uni<Void> append(AttemptRecord record) {
        List<String> args = new ArrayList<>();
        args.add(stream(shardOf(record)));
        args.add("MAXLEN");
        args.add("~");
        args.add(maxLen);
        args.add("*");
        record.fields().forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        return redis.execute(io.vertx.redis.client.Command.XADD, args.toArray(String[]::new))
                .replaceWithVoid()
                .onFailure().recoverWithUni(t -> {
                    LOG.warnf("attempt log append failed (%s): %s", record.type(), t.toString());
                    return Uni.createFrom().voidItem();
                });
    }

    /**
     * Newest first over all shards, for tests and diagnostics: entries with ids at or below {@code maxId} ("+" for
     * the newest), merged by stream id (ids of different shards come from their nodes' clocks).
     */
    public Uni<List<Entry>> newest(String maxId, int count) {
        List<Uni<List<Entry>>> each = new ArrayList<>();
        for (int s = 0; s < shards; s++) {
            each.add(redis.execute("XREVRANGE", stream(s), maxId, "-", "COUNT", Integer.toString(count))
                    .map(AttemptLog::entries));
        }
        return Uni.join().all(each).andFailFast().map(lists -> lists.stream().flatMap(List::stream)
                .sorted((a, b) -> compareIds(b.id(), a.id())).limit(count).toList());
    }

    /** Oldest first: up to {@code count} entries of one shard after the entry {@code afterId} (exclusive). */
    public Uni<List<Entry>> after(int shard, String afterId, int count) {
        return redis.execute("XRANGE", stream(shard), next(afterId), "+", "COUNT", Integer.toString(count))
                .map(AttemptLog::entries);
    }

    /** the smallest stream id after {@code id} ("ms-seq"; a bare "ms" stands for "ms-0") */
    public static String next(String id) {
        int dash = id.indexOf('-');
        return dash < 0 ? id + "-1" : id.substring(0, dash) + "-" + (Long.parseLong(id.substring(dash + 1)) + 1);
    }

    /** the time part of a stream id (Redis' clock at the append) */
    public static long millisOf(String id) {
        int dash = id.indexOf('-');
        return Long.parseLong(dash < 0 ? id : id.substring(0, dash));
    }

    /** the entries of an XRANGE, XREADGROUP or XAUTOCLAIM reply (nil entries, trimmed while pending, skipped) */
    public static List<Entry> entries(Response r) {
        List<Entry> out = new ArrayList<>();
        if (r == null) {
            return out;
        }
        for (Response e : r) {
            if (e == null || e.get(1) == null) {
                continue; // XAUTOCLAIM answers nil for an entry trimmed while it was pending
            }
            String id = e.get(0).toString();
            Response kv = e.get(1);
            Map<String, String> f = new java.util.LinkedHashMap<>();
            for (int i = 0; i + 1 < kv.size(); i += 2) {
                f.put(kv.get(i).toString(), kv.get(i + 1).toString());
            }
            out.add(new Entry(id, AttemptRecord.fromFields(f)));
        }
        return out;
    }

    public record Entry(String id, AttemptRecord record) {
    }

    /** compares two stream ids ("ms-seq") as Redis orders them */
    public static int compareIds(String a, String b) {
        int c = Long.compare(millisOf(a), millisOf(b));
        return c != 0 ? c : Long.compare(seqOf(a), seqOf(b));
    }

    private static long seqOf(String id) {
        int dash = id.indexOf('-');
        return dash < 0 ? 0 : Long.parseLong(id.substring(dash + 1));
    }
}
