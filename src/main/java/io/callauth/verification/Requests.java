package io.callauth.verification;

/** Request bodies of the public API. */
public final class Requests {
    private Requests() {
    }

    public record Start(String phone, String channel, ClientContext context) {
    }

    /** {@code context} is optional: its {@code ip} keys the code-spraying limit */
    public record Check(String code, ClientContext context) {
    }

    public record CheckByPhone(String phone, String code, ClientContext context) {
    }

    public record Resend(String channel, String provider) {
    }
}
