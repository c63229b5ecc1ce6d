package io.callauth.provider;

/** A provider did not place (or could not report on) a call. The reason decides the fallback and the log entry. */
public class ProviderException extends RuntimeException {

    public enum Reason {
        /** the provider answered and said no (destination not allowed, balance, ...) */
        REFUSED,
        /** HTTP 5xx, malformed answer, transport failure */
        ERROR,
        /** no answer in time */
        TIMEOUT,
        /** the provider's circuit breaker is open */
        CIRCUIT_OPEN,
        /** not configured, logged out, backing off */
        UNAVAILABLE;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final String provider;
    private final Reason reason;

    public ProviderException(String provider, Reason reason, String message) {
        this(provider, reason, message, null);
    }

    public ProviderException(String provider, Reason reason, String message, Throwable cause) {
        super(message, cause, false, false);
        this.provider = provider;
        this.reason = reason;
    }

    public String provider() {
        return provider;
    }

    public Reason reason() {
        return reason;
    }
}
