package io.callauth.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/** Query strings for the console's links. */
final class Links {

    private Links() {
    }

    static String query(Map<String, String> params) {
        StringJoiner j = new StringJoiner("&");
        params.forEach((k, v) -> {
            if (v != null && !v.isEmpty()) {
                j.add(enc(k) + "=" + enc(v));
            }
        });
        return j.toString();
    }

    /** the filters {@code m} with {@code k} set to {@code v} (and no cursor: a new filter starts from the top) */
    static Map<String, String> with(Map<String, String> m, String k, String v) {
        Map<String, String> out = new LinkedHashMap<>(m);
        out.remove("cursor");
        out.put(k, v);
        return out;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
