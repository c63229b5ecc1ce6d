package io.callauth.provider.sunsim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.Predicate;

/**
 * {@code getcalllist} as the adapter asks it and reads its rows. The document leaves open which numbers {@code nums}
 * takes and which of a row's numbers is ours: {@code extNum} ("external number") and {@code abonentNum} ("the
 * subscriber's number") may list our call either way round. So the list is asked by our caller ID (or, by
 * {@code call-list-nums}, by the user's number), and a row is a call of ours in either layout: our caller ID in
 * {@code extNum} and the user in {@code abonentNum}, or the user in {@code extNum} and our caller ID (the account's
 * number) in {@code abonentNum}. Our caller ID is recognised by its digest or masked form, never kept in clear.
 */
final class SunSimCallList {

    static final DateTimeFormatter PERIOD = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    static final String EXT_NUM = "extNum";
    static final String ABONENT_NUM = "abonentNum";

    private final ObjectMapper json;
    private final ZoneId zone;
    private final boolean byDestination;
    private final List<String> pool;

    SunSimCallList(SunSimConfig config, ObjectMapper json, List<String> pool) {
        this.json = json;
        this.zone = ZoneId.of(config.timeZone());
        this.byDestination = SunSimConfig.DESTINATION.equals(config.callListNums());
        this.pool = pool;
    }

    /**
     * The numbers {@code nums} carries for a call to {@code dest} from a caller {@code ours} accepts: the pool's
     * numbers it accepts (all of the pool when it accepts none of them: the pool changed since), or with
     * {@code call-list-nums=destination} the destination.
     */
    List<String> nums(String dest, Predicate<String> ours) {
        if (byDestination) {
            return List.of(dest);
        }
        List<String> mine = pool.stream().filter(ours).toList();
        return mine.isEmpty() ? pool : mine;
    }

    /** the request: outgoing calls of {@code nums} from {@code from} to {@code to}, in the configured time zone */
    String query(List<String> nums, Instant from, Instant to) {
        ObjectNode q = json.createObjectNode();
        nums.forEach(q.putArray("nums")::add);
        q.put("periodStart", PERIOD.format(LocalDateTime.ofInstant(from, zone)));
        q.put("periodEnd", PERIOD.format(LocalDateTime.ofInstant(to, zone)));
        q.put("direction", 1);
        q.putNull("durationFrom");
        q.putNull("durationTo");
        q.put("isCallRecord", 0);
        q.putNull("isRead");
        return q.toString();
    }

    /**
     * The field of {@code row} that holds the caller when the row is a call from a caller {@code ours} accepts to
     * {@code dest}, in either layout; null when the row is not such a call.
     */
    static String callerField(JsonNode row, String dest, Predicate<String> ours) {
        String ext = digits(row.path(EXT_NUM).asText(""));
        String abonent = digits(row.path(ABONENT_NUM).asText(""));
        if (sameNumber(abonent, dest) && ours.test(ext)) {
            return EXT_NUM;
        }
        if (sameNumber(ext, dest) && ours.test(abonent)) {
            return ABONENT_NUM;
        }
        return null;
    }

    /** the row's {@code callDate} (in the configured time zone, like the periods), or null when it is not one */
    Instant callDate(JsonNode row) {
        try {
            return LocalDateTime.parse(row.path("callDate").asText("").trim(), PERIOD).atZone(zone).toInstant();
        } catch (RuntimeException e) {
            return null;
        }
    }

    static String digits(String s) {
        return s == null ? "" : s.replaceAll("[^0-9]", "");
    }

    /** numbers in the call list may be national (10 digits) or full: compare the last 10 digits */
    static boolean sameNumber(String a, String b) {
        int n = Math.min(10, Math.min(a.length(), b.length()));
        return n > 0 && a.substring(a.length() - n).equals(b.substring(b.length() - n));
    }

    /** a number against a masked caller ID: the digits left visible match, from the right */
    static boolean sameVisibleDigits(String number, String masked) {
        if (masked.isEmpty()) {
            return true;
        }
        String m = masked.length() > 10 ? masked.substring(masked.length() - 10) : masked;
        String n = number.length() > m.length() ? number.substring(number.length() - m.length()) : number;
        if (n.length() != m.length()) {
            return false;
        }
        for (int i = 0; i < m.length(); i++) {
            if (m.charAt(i) != '*' && m.charAt(i) != n.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
