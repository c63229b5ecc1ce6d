package io.callauth.attempts;

import java.util.Locale;
import java.util.Optional;

/**
 * The types of the attempt log's records: the one list of them. The verification core writes records only through
 * {@link AttemptRecords#at} and {@link AttemptRecord#withType}, which take one of these; the {@code type} filter of
 * the fraud API accepts exactly these, and the published OpenAPI document's {@code AttemptType} schema is built from
 * this enum (io.callauth.openapi.ApiEnums), so the three cannot drift apart. New types may be added: the document
 * says so, and clients keep reading records of a type they do not know.
 * <p>
 * Not here: {@code call_record} ({@link CallArchive#CALL_RECORD}), a provider's pushed record of a call, which goes
 * through the stream to the archive's call rows and never becomes an attempt.
 */
public enum AttemptType {
    /** a verification was created */
    STARTED,
    /** a start (or resend) was refused: geo, rate limit, rule, validation; {@code monitor} rules note it too */
    REFUSED,
    CALL_PLACED,
    /** a provider refused or errored */
    CALL_FAILED,
    /** a placed call was delivered or not */
    CALL_OUTCOME,
    /** the next provider takes over */
    FALLBACK,
    RESEND,
    /** a code was checked, {@code outcome} valid or invalid */
    CHECK,
    APPROVED,
    MAX_ATTEMPTS_REACHED,
    CANCELED,
    EXPIRED,
    /** no provider could deliver a call */
    FAILED,
    /**
     * the automatic defence blocked a dimension's value: {@code rule} names the rule ({@code rule:<id>}), {@code detail}
     * the dimension, the value, the level, the expiry and the evidence in figures
     */
    AUTO_BLOCK,
    /** an automatic block ended (it expired, or the fraud team released it): {@code rule} and {@code detail} as above */
    AUTO_BLOCK_RELEASED;

    /** as it is written in the log and the API */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<AttemptType> parse(String s) {
        for (AttemptType t : values()) {
            if (t.wire().equals(s)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** the type named by {@code s}, which the caller knows to be one */
    public static AttemptType of(String s) {
        return parse(s).orElseThrow(() -> new IllegalArgumentException("not an attempt type: " + s));
    }
}
