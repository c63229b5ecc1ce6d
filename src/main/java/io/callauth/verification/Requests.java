package io.callauth.verification;

import io.callauth.openapi.NamedEnums;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request bodies of the public API. */
public final class Requests {
    private Requests() {
    }

    @Schema(name = "StartRequest", description = "What to verify")
    public record Start(
            @Schema(required = true, description = PHONE, examples = "8 (916) 123-45-67")
            String phone,
            @Schema(ref = NamedEnums.CHANNEL, description = "How the code should reach the user: `flashcall`, "
                    + "`voice`, or `auto` (the chain decides, flash call first; the default)")
            String channel,
            @Schema(description = "About the end user, for the limits and the attempt log")
            ClientContext context) {
    }

    /** {@code context} is optional: its {@code ip} keys the code-spraying limit */
    @Schema(name = "CheckRequest", description = "The code the user typed")
    public record Check(
            @Schema(required = true, description = CODE, maxLength = 12, examples = "6716")
            String code,
            @Schema(description = "About the end user; `ip` keys the per-IP check limit")
            ClientContext context) {
    }

    @Schema(name = "CheckByPhoneRequest", description = "The phone and the code the user typed")
    public record CheckByPhone(
            @Schema(required = true, description = PHONE, examples = "+79161234567")
            String phone,
            @Schema(required = true, description = CODE, maxLength = 12, examples = "6716")
            String code,
            @Schema(description = "About the end user; `ip` keys the per-IP check limit")
            ClientContext context) {
    }

    @Schema(name = "ResendRequest", description = "How to call again; both optional")
    public record Resend(
            @Schema(ref = NamedEnums.CHANNEL, description = "Call on this channel (the first provider of the chain "
                    + "that serves it); `auto` or absent: the next provider after the current one")
            String channel,
            @Schema(description = "Call through this provider of the chain", examples = "callpass")
            String provider) {
    }

    private static final String PHONE = "The phone number, in E.164 or a national format of the default region "
            + "(spaces, `+ ( ) - .` allowed)";
    private static final String CODE = "The digits the user typed";
}
