package io.callauth.verification;

import io.callauth.openapi.NamedEnums;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request bodies of the public API. */
public final class Requests {
    private Requests() {
    }

    @Schema(name = "StartRequest", description = "What to verify")
    public record Start(
            @Schema(required = true, description = PHONE, examples = "8 (916) 123-45-67")
            @NotBlank(message = REQUIRED) @PhoneShape
            String phone,
            @Schema(ref = NamedEnums.CHANNEL, description = "How the code should reach the user: `flashcall`, "
                    + "`voice`, or `auto` (the chain decides, flash call first; the default)")
            @Pattern(regexp = CHANNELS, message = CHANNEL_MESSAGE)
            String channel,
            @Schema(description = "About the end user, for the limits and the attempt log")
            @Valid
            ClientContext context) {
    }

    /** {@code context} is optional: its {@code ip} keys the code-spraying limit */
    @Schema(name = "CheckRequest", description = "The code the user typed")
    public record Check(
            @Schema(required = true, description = CODE, maxLength = Code.MAX, examples = "6716")
            @Code
            String code,
            @Schema(description = "About the end user; `ip` keys the per-IP check limit")
            @Valid
            ClientContext context) {
    }

    @Schema(name = "CheckByPhoneRequest", description = "The phone and the code the user typed")
    public record CheckByPhone(
            @Schema(required = true, description = PHONE, examples = "+79161234567")
            @NotBlank(message = REQUIRED) @PhoneShape
            String phone,
            @Schema(required = true, description = CODE, maxLength = Code.MAX, examples = "6716")
            @Code
            String code,
            @Schema(description = "About the end user; `ip` keys the per-IP check limit")
            @Valid
            ClientContext context) {
    }

    @Schema(name = "ResendRequest", description = "How to call again; both optional")
    public record Resend(
            @Schema(ref = NamedEnums.CHANNEL, description = "Call on this channel (the first provider of the chain "
                    + "that serves it); `auto` or absent: the next provider after the current one")
            @Pattern(regexp = CHANNELS, message = CHANNEL_MESSAGE)
            String channel,
            @Schema(description = "Call through this provider of the chain", maxLength = 64, examples = "callpass")
            @Size(max = 64, message = LONGER)
            String provider) {
    }

    private static final String PHONE = "The phone number, in E.164 or a national format of the default region "
            + "(spaces, `+ ( ) - .` allowed)";
    private static final String CODE = "The digits the user typed";
    static final String REQUIRED = "is required";
    static final String LONGER = "is longer than {max} characters";
    static final String CHANNELS = "auto|flashcall|voice";
    static final String CHANNEL_MESSAGE = "must be auto, flashcall or voice";
}
