package io.callauth.common;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Instants as clients send them: an RFC 3339 date-time, read with the leniencies of ISO 8601 that clients use. The
 * offset may be {@code Z} (or {@code z}), {@code +hh:mm}, {@code +hhmm} (Python's {@code %z}, as the Python client
 * generated from our OpenAPI document writes query parameters) or {@code +hh}; the seconds may be left out (Java's
 * {@code OffsetDateTime.toString()} at a whole minute); the fraction of a second may have any number of digits (past
 * nanoseconds they are cut), after a {@code .} or a {@code ,}; the {@code T} may be lower case; a leap second
 * ({@code :60}) is read as the end of second 59. A date-time without an offset is refused: it names no instant.
 */
public final class Timestamps {

    private Timestamps() {
    }

    /** the example the errors give */
    public static final String EXAMPLE = "2026-12-01T00:00:00Z";

    private static final Pattern DATE_TIME = Pattern.compile("(\\d{4})-(\\d{2})-(\\d{2})[Tt](\\d{2}):(\\d{2})"
            + "(?::(\\d{2})(?:[.,](\\d{1,64}))?)?(?:([Zz])|([+-])(\\d{2})(?::?(\\d{2}))?)");

    /** the instant, or empty when {@code s} is not a date-time with an offset */
    public static Optional<Instant> parse(String s) {
        if (s == null || s.length() > 100) {
            return Optional.empty();
        }
        Matcher m = DATE_TIME.matcher(s);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            int second = m.group(6) == null ? 0 : Integer.parseInt(m.group(6));
            String fraction = m.group(7) == null ? "" : m.group(7);
            int nanos = fraction.isEmpty() ? 0 : Integer.parseInt((fraction + "00000000").substring(0, 9));
            if (second == 60) { // a leap second: the last moment of second 59
                second = 59;
                nanos = 999_999_999;
            }
            LocalDateTime local = LocalDateTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)), second,
                    nanos);
            ZoneOffset offset = m.group(8) != null ? ZoneOffset.UTC : ZoneOffset.ofHoursMinutes(
                    (m.group(9).equals("-") ? -1 : 1) * Integer.parseInt(m.group(10)),
                    (m.group(9).equals("-") ? -1 : 1) * (m.group(11) == null ? 0 : Integer.parseInt(m.group(11))));
            return Optional.of(local.toInstant(offset));
        } catch (DateTimeException | NumberFormatException e) {
            return Optional.empty(); // 2026-02-30, 25:00, an offset past 18 hours, minutes of an offset past 59
        }
    }

    /**
     * The instant, or a 400 {@code invalid_request} naming {@code what} (a parameter or member) and the forms taken;
     * a space where the offset's sign belongs is most likely a {@code +} that was not percent-encoded in a query.
     */
    public static Instant require(String s, String what) {
        return parse(s).orElseThrow(() -> ApiProblem.invalidRequest(what + " must be an RFC 3339 date-time with an "
                + "offset, e.g. " + EXAMPLE + " or 2026-12-01T03:00:00+03:00"
                + (s != null && s.matches(".*T[0-9:.,]+ [0-9:]+") ? " (a '+' in a query string must be sent as %2B)"
                : "")));
    }
}
