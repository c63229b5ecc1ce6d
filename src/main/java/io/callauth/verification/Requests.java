package io.callauth.verification;

/** Request bodies of the public API. */
public final class Requests {
    private Requests() {
    }

    public record Start(String phone, String channel, ClientContext context) {
    }

    public record Check(String code) {
    }

    public record CheckByPhone(String phone, String code) {
    }

    public record Resend(String channel, String provider) {
    }
}
