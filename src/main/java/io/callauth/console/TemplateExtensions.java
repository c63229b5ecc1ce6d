package io.callauth.console;

import io.quarkus.qute.TemplateExtension;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Formatting for the console's templates. */
@TemplateExtension
public class TemplateExtensions {

    /** 12345 → "12,345" */
    static String grouped(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static final DateTimeFormatter MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    /** an instant in UTC to the millisecond, for the timeline */
    static String utc(Instant i) {
        return i == null ? "" : MILLIS.format(i);
    }

    /** an instant in UTC to the second */
    static String utcSeconds(Instant i) {
        return i == null ? "" : SECONDS.format(i);
    }
}
