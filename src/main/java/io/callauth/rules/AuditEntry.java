package io.callauth.rules;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;

/**
 * One change of the rule set: when, who (the API key's or the console user's name; {@code system} for an expiry),
 * what ({@code create}, {@code delete}, {@code expire}) and the rule before and after ({@code null} where it did not
 * exist).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "RuleAuditEntry", description = "One change of the rules")
public record AuditEntry(
        @Schema(required = true, description = "When")
        Instant at,
        @Schema(required = true, description = "Who: the API key's name or the console user; `system` for an expiry",
                examples = "fraud")
        String actor,
        @Schema(required = true, description = "What: `create`, `delete` or `expire` (an open set: new kinds of "
                + "change may be added)", examples = "create")
        String action,
        @Schema(required = true, description = "The rule changed", examples = "rl_4c1e0d6a9b2f47e3")
        String ruleId,
        @Schema(implementation = Rule.class, description = "The rule before the change; absent for a create")
        Rule before,
        @Schema(implementation = Rule.class, description = "The rule after the change; absent for a delete or "
                + "expiry")
        Rule after) {
}
