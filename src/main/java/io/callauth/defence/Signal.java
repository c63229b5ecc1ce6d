package io.callauth.defence;

import java.util.Locale;

/** The defence's signals, each one reason to block (see {@link Signals}). */
public enum Signal {
    /** a range: many starts within the short window, no approvals, numbers never seen, far above the baseline */
    BURST,
    /** a range: the same over the long window (a slow spread over many ranges) */
    SPREAD,
    /** a range: starts into neighbouring numbers without approvals */
    NEIGHBOURS,
    /** a range: voice calls answered that nobody checks */
    ANSWERED_UNCHECKED,
    /** a carrier, country or app: volume far above its baseline while its conversion collapsed */
    CONVERSION_COLLAPSE,
    /** a client network or device: many starts into never-seen numbers, no approvals */
    SOURCE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
