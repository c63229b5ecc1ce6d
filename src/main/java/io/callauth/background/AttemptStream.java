package io.callauth.background;

import io.callauth.attempts.AttemptLog;
import io.callauth.attempts.StreamHold;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** The consumer-group side of the attempt stream: groups, acknowledgements, and the trim behind every reader. */
public final class AttemptStream {

    private AttemptStream() {
    }

    static void ensureGroup(RedisDataSource redis, int shard, String group) {
        try {
            redis.execute("XGROUP", "CREATE", AttemptLog.stream(shard), group, "0", "MKSTREAM");
        } catch (RuntimeException e) {
            if (e.getMessage() == null || !e.getMessage().contains("BUSYGROUP")) {
                throw e;
            }
        }
    }

    static void ack(RedisDataSource redis, int shard, String group, List<String> ids) {
        List<String> args = new ArrayList<>(ids.size() + 2);
        args.add(AttemptLog.stream(shard));
        args.add(group);
        args.addAll(ids);
        redis.execute("XACK", args.toArray(String[]::new));
    }

    /**
     * Trims each shard before its oldest entry still needed: not yet acknowledged by one of the groups (pending, or
     * not yet delivered), or wanted by another reader ({@link StreamHold}). A group that does not exist yet on a
     * shard (its job never ran there) holds nothing: it will read the shard from whatever is left.
     */
    public static void trim(RedisDataSource redis, int shards, Collection<String> groups, Iterable<StreamHold> holds) {
        for (int s = 0; s < shards; s++) {
            String threshold = null;
            for (String group : groups) {
                Optional<String> floor = ackFloor(redis, s, group);
                if (floor.isPresent() && (threshold == null || AttemptLog.compareIds(floor.get(), threshold) < 0)) {
                    threshold = floor.get();
                }
            }
            if (threshold == null) {
                continue;
            }
            for (StreamHold h : holds) {
                Optional<String> needed = h.oldestNeeded(s);
                if (needed.isPresent() && AttemptLog.compareIds(needed.get(), threshold) < 0) {
                    threshold = needed.get();
                }
            }
            redis.execute("XTRIM", AttemptLog.stream(s), "MINID", threshold);
        }
    }

    /** the first id of a shard not yet acknowledged by a group (pending or undelivered), or empty if no such group */
    public static Optional<String> ackFloor(RedisDataSource redis, int shard, String group) {
        String key = AttemptLog.stream(shard);
        Optional<GroupInfo> info = group(redis, shard, group);
        if (info.isEmpty()) {
            return Optional.empty();
        }
        String floor = AttemptLog.next(info.get().lastDelivered());
        if (info.get().pending() > 0) {
            Response p = redis.execute("XPENDING", key, group);
            if (p != null && p.get(1) != null && AttemptLog.compareIds(p.get(1).toString(), floor) < 0) {
                floor = p.get(1).toString();
            }
        }
        return Optional.of(floor);
    }

    /** a group's figures on one shard: XINFO GROUPS ({@code lag} is null on Redis 6, which has none) */
    public record GroupInfo(String lastDelivered, long pending, Long lag) {
    }

    public static Optional<GroupInfo> group(RedisDataSource redis, int shard, String group) {
        Response groups = redis.execute("XINFO", "GROUPS", AttemptLog.stream(shard));
        for (Response g : groups) {
            if (group.equals(field(g, "name"))) {
                String lag = field(g, "lag");
                return Optional.of(new GroupInfo(field(g, "last-delivered-id"), Long.parseLong(field(g, "pending")),
                        lag == null ? null : Long.valueOf(lag)));
            }
        }
        return Optional.empty();
    }

    /** one field of a reply that is a map (RESP3) or a flat key-value array (RESP2); nil values are null */
    private static String field(Response map, String key) {
        if (map == null) {
            return null;
        }
        if (map.type() == io.vertx.redis.client.ResponseType.MULTI && !map.getKeys().isEmpty()) {
            Response v = map.get(key);
            return v == null ? null : v.toString();
        }
        for (int i = 0; i + 1 < map.size(); i += 2) {
            if (map.get(i) != null && key.equals(map.get(i).toString())) {
                Response v = map.get(i + 1);
                return v == null ? null : v.toString();
            }
        }
        return null;
    }
}
