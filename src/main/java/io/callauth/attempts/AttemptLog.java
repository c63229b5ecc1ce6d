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
 */
@ApplicationScoped
public class AttemptLog {

    public static final String STREAM = "ca:attempts";
    private static final Logger LOG = Logger.getLogger(AttemptLog.class);

    private final ReactiveRedisDataSource redis;
    private final String maxLen;

    public AttemptLog(ReactiveRedisDataSource redis, AttemptsConfig config) {
        this.redis = redis;
        this.maxLen = Long.toString(config.bufferMax());
    }

    /** Appends; a failure is logged and swallowed: the attempt log must never fail the verification it describes. */
    public Uni<Void> append(AttemptRecord record) {
        List<String> args = new ArrayList<>();
        args.add(STREAM);
        args.add("MAXLEN");
        args.add("~");
        args.add(maxLen);
        args.add("*");
        record.fields().forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        return redis.execute("XADD", args.toArray(String[]::new))
                .replaceWithVoid()
                .onFailure().recoverWithUni(t -> {
                    LOG.warnf("attempt log append failed (%s): %s", record.type(), t.toString());
                    return Uni.createFrom().voidItem();
                });
    }

    /** Newest first, for the fraud API and tests: entries with ids at or below {@code maxId} ("+" for the newest). */
    public Uni<List<Entry>> newest(String maxId, int count) {
        return redis.execute("XREVRANGE", STREAM, maxId, "-", "COUNT", Integer.toString(count)).map(AttemptLog::entries);
    }

    /** Oldest first: up to {@code count} entries after the entry {@code afterId} (exclusive). */
    public Uni<List<Entry>> after(String afterId, int count) {
        return redis.execute("XRANGE", STREAM, next(afterId), "+", "COUNT", Integer.toString(count))
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

    static List<Entry> entries(Response r) {
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
