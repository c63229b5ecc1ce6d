package io.callauth.verification;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Answer to a check: {@code valid}, the status after the check, tries left. */
@Schema(name = "CheckResult", description = "The answer to a check")
public record CheckView(
        @Schema(required = true, description = "The verification's id",
                examples = "vf_4c1e0d6a9b2f47e3a1c5d8e7f6a5b4c3")
        String id,
        @Schema(required = true, description = "Whether the code was right", examples = "true")
        boolean valid,
        @Schema(required = true, description = "The verification's status after the check: `approved` when the code "
                + "was right, `pending` while tries are left, `max_attempts_reached` after the last wrong one",
                ref = io.callauth.openapi.NamedEnums.VERIFICATION_STATUS, examples = "approved")
        String status,
        @Schema(required = true, description = "Checks left", examples = "4")
        int attemptsLeft) {
}
