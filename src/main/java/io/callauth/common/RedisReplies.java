package io.callauth.common;

import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.ResponseType;

import java.util.HashMap;
import java.util.Map;

/** Reading Redis replies: RESP2 answers HGETALL with a flat array, RESP3 with a map; both become a Map. */
public final class RedisReplies {
    private RedisReplies() {
    }

    public static Map<String, String> hash(Response h) {
        Map<String, String> m = new HashMap<>();
        if (h == null) {
            return m;
        }
        if (h.type() == ResponseType.MULTI && !h.getKeys().isEmpty()) {
            for (String k : h.getKeys()) {
                m.put(k, h.get(k).toString());
            }
            return m;
        }
        for (int i = 0; i + 1 < h.size(); i += 2) {
            m.put(h.get(i).toString(), h.get(i + 1).toString());
        }
        return m;
    }
}
