package io.callauth.console;

import io.quarkus.qute.TemplateExtension;

import java.util.Locale;

/** Formatting for the console's templates. */
@TemplateExtension
public class TemplateExtensions {

    /** 12345 → "12,345" */
    static String grouped(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
