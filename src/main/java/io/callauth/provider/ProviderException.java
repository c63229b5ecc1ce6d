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

    /**
     * Classifies a failed HTTP exchange with a provider: 5xx and auth/route problems (401, 403, 404, 405) are
     * errors (they affect every call), other 4xx refusals, a read or connect timeout a timeout, the rest errors.
     */
    public static ProviderException of(String provider, Throwable t) {
        if (t instanceof ProviderException pe) {
            return pe;
        }
        if (t instanceof jakarta.ws.rs.WebApplicationException w && w.getResponse() != null) {
            int s = w.getResponse().getStatus();
            boolean error = s >= 500 || s == 401 || s == 403 || s == 404 || s == 405;
            return new ProviderException(provider, error ? Reason.ERROR : Reason.REFUSED, "HTTP " + s);
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = (c.getClass().getSimpleName() + " " + c.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (m.contains("timeout") || m.contains("timed out")) {
                return new ProviderException(provider, Reason.TIMEOUT, "no answer in time");
            }
        }
        return new ProviderException(provider, Reason.ERROR, t.getClass().getSimpleName());
    }

    public String provider() {
        return provider;
    }

    public Reason reason() {
        return reason;
    }
}
