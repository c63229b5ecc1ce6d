package io.callauth.attempts;

import io.callauth.common.ApiProblem;
import io.callauth.common.Timestamps;
import io.callauth.phone.PhoneNumbers;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The filters of {@code GET /v1/attempts} and its export, checked: a bad one is {@code invalid_request}, never
 * silently ignored (a typo in a filter name would otherwise answer every record). {@code phone} arrives normalised.
 */
public record AttemptFilter(Instant from, Instant to, Map<String, String> equals, Cursor cursor) {

    /** query parameter → column, for the filters that compare one column for equality */
    static final Map<String, String> COLUMNS = columns();
    static final Set<String> TYPES = java.util.Arrays.stream(AttemptType.values()).map(AttemptType::wire)
            .collect(java.util.stream.Collectors.toUnmodifiableSet());
    static final Set<String> PARAMETERS = parameters();

    private static Map<String, String> columns() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("type", "type");
        m.put("phone", "phone");
        m.put("ip", "ip");
        m.put("appId", "app_id");
        m.put("deviceId", "device_id");
        m.put("apiKey", "api_key");
        m.put("provider", "provider");
        m.put("country", "country");
        m.put("prefix", "prefix");
        m.put("outcome", "outcome");
        m.put("verificationId", "verification_id");
        return m;
    }

    private static Set<String> parameters() {
        Set<String> s = new java.util.HashSet<>(COLUMNS.keySet());
        s.addAll(List.of("from", "to", "limit", "cursor"));
        return Set.copyOf(s);
    }

    /**
     * Where the previous page stopped: the last record's time, stream position ({@code attempt_seq(id)}) and id (newest
     * first, so the next page is older). Version a2; the a1 cursors of the earlier order (time and id) are refused.
     */
    public record Cursor(long atMillis, long seq, String id) {
        String encode() {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(("a2:" + atMillis + ":" + seq + ":" + id).getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String s) {
            try {
                String raw = new String(Base64.getUrlDecoder().decode(s), StandardCharsets.UTF_8);
                String[] p = raw.split(":", 4);
                if (p.length != 4 || !p[0].equals("a2") || p[3].isEmpty() || p[3].length() > 64) {
                    throw new IllegalArgumentException();
                }
                return new Cursor(Long.parseLong(p[1]), Long.parseLong(p[2]), p[3]);
            } catch (IllegalArgumentException e) {
                throw ApiProblem.invalidRequest("cursor is not one this API gave out");
            }
        }
    }

    /**
     * Builds a filter from the query parameters ({@code phone} already normalised by the caller). Unknown parameters,
     * repeated ones, bad instants, an unknown type and a window that ends before it starts are refused.
     */
    public static AttemptFilter parse(Map<String, List<String>> query, Set<String> alsoAllowed) {
        Map<String, String> single = new LinkedHashMap<>();
        for (var e : query.entrySet()) {
            if (!PARAMETERS.contains(e.getKey()) && !alsoAllowed.contains(e.getKey())) {
                throw ApiProblem.invalidRequest("unknown filter '" + clip(e.getKey()) + "'; filters are "
                        + String.join(", ", new java.util.TreeSet<>(PARAMETERS)));
            }
            if (e.getValue().size() != 1) {
                throw ApiProblem.invalidRequest("filter '" + e.getKey() + "' is given more than once");
            }
            single.put(e.getKey(), e.getValue().get(0));
        }
        Instant from = instant(single.get("from"), "from");
        Instant to = instant(single.get("to"), "to");
        if (from != null && to != null && !from.isBefore(to)) {
            throw ApiProblem.invalidRequest("from must be before to");
        }
        Map<String, String> eq = new LinkedHashMap<>();
        for (var c : COLUMNS.entrySet()) {
            String v = single.get(c.getKey());
            if (v == null) {
                continue;
            }
            if (v.isBlank() || v.length() > 512) {
                throw ApiProblem.invalidRequest("filter '" + c.getKey() + "' must be 1 to 512 characters");
            }
            if (c.getKey().equals("type") && !TYPES.contains(v)) {
                throw ApiProblem.invalidRequest("type must be one of " + String.join(", ", new java.util.TreeSet<>(TYPES)));
            }
            eq.put(c.getValue(), v);
        }
        String cursor = single.get("cursor");
        return new AttemptFilter(from, to, eq, cursor == null ? null : Cursor.decode(cursor));
    }

    /** the same filter with the phone filter replaced (by its normalised form) */
    public AttemptFilter withPhone(String e164) {
        Map<String, String> eq = new LinkedHashMap<>(equals);
        eq.put("phone", e164);
        return new AttemptFilter(from, to, eq, cursor);
    }

    /**
     * This filter with its {@code phone} (any format) normalised to E.164, as the records keep it; a phone that is not
     * a number is 400 {@code invalid_request}: {@code refusal} as the detail, or the phone's own problem when null.
     */
    public AttemptFilter withPhoneNormalised(PhoneNumbers phones, String refusal) {
        String phone = equals.get("phone");
        if (phone == null) {
            return this;
        }
        try {
            return withPhone(phones.normalise(phone).e164());
        } catch (ApiProblem p) {
            throw ApiProblem.invalidRequest(refusal != null ? refusal : "phone filter: " + p.getMessage());
        }
    }

    public AttemptFilter after(Cursor c) {
        return new AttemptFilter(from, to, equals, c);
    }

    /** the WHERE clause (without the keyword; "true" when nothing filters) and its parameters, in order */
    String where(List<Object> params) {
        List<String> parts = new ArrayList<>();
        if (from != null) {
            parts.add("at >= ?");
            params.add(ArchiveQuery.utc(from));
        }
        if (to != null) {
            parts.add("at < ?");
            params.add(ArchiveQuery.utc(to));
        }
        equals.forEach((column, value) -> {
            parts.add(column + " = ?");
            params.add(value);
        });
        if (cursor != null) {
            // the list's order (AttemptQueries.NEWEST_FIRST); the indexes on (..., at, id) serve it as at <= ?
            parts.add("(at, attempt_seq(id), id) < (?, ?, ?)");
            params.add(ArchiveQuery.utc(Instant.ofEpochMilli(cursor.atMillis())));
            params.add(cursor.seq());
            params.add(cursor.id());
        }
        return parts.isEmpty() ? "true" : String.join(" AND ", parts);
    }

    private static Instant instant(String v, String name) {
        return v == null ? null : Timestamps.require(v, name);
    }

    static String clip(String s) {
        String safe = s.replaceAll("[^A-Za-z0-9_.-]", "?");
        return safe.length() > 40 ? safe.substring(0, 40) : safe;
    }
}
