package io.callauth.defence;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.Map;

/** One automatic block: its rule, what it blocks, since and until when, its level, evidence and release. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "DefenceBlock", description = "A temporary block rule the automatic defence created")
public record DefenceBlock(
        @Schema(required = true, description = "The rule's id (in `GET /v1/rules` while it is in force)",
                examples = "rl_4c1e0d6a9b2f47e3")
        String ruleId,
        @Schema(required = true, description = "What is blocked: `range` (8-digit E.164 prefix), `carrier`, "
                + "`country`, `appId`, `network` (/24 or /48) or `deviceId`", examples = "range")
        String dimension,
        @Schema(required = true, description = "The value blocked", examples = "79580001")
        String value,
        @Schema(required = true, description = "`enforce`, or `monitor` when the defence only monitors",
                examples = "enforce")
        String mode,
        @Schema(required = true, description = "When it was created")
        Instant since,
        @Schema(required = true, description = "When it expires")
        Instant until,
        @Schema(required = true, description = "1 to 4: the first block (15 min), then the repeats within 7 days "
                + "(1 h, 6 h, 24 h)", examples = "1")
        int level,
        @Schema(required = true, description = "The figures that made it: the signal, the window's starts, approvals, "
                + "conversion, share of never-seen numbers, neighbours, answered-but-unchecked calls, the baseline")
        Map<String, Object> evidence,
        @Schema(description = "When it ended (expired or released); absent while active")
        Instant releasedAt,
        @Schema(description = "Who released it (`system` for an expiry); absent while active", examples = "fraud")
        String releasedBy) {

    public boolean active(Instant now) {
        return releasedAt == null && until.isAfter(now);
    }

    DefenceBlock released(Instant at, String by) {
        return new DefenceBlock(ruleId, dimension, value, mode, since, until, level, evidence, at, by);
    }
}
