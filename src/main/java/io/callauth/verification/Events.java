package io.callauth.verification;

import java.util.LinkedHashMap;
import java.util.Map;

/** A timeline event as the verification's Redis list keeps it: time, type, and the non-null fields given. */
final class Events {

    private Events() {
    }

    static Map<String, Object> of(long at, String type, Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", at);
        m.put("type", type);
        for (int i = 0; i + 1 < kv.length; i += 2) {
            if (kv[i + 1] != null) {
                m.put(kv[i].toString(), kv[i + 1]);
            }
        }
        return m;
    }
}
