package io.callauth.rules;

import java.time.Instant;

/**
 * One change of the rule set: when, who (the API key's or the console user's name; {@code system} for an expiry),
 * what ({@code create}, {@code delete}, {@code expire}) and the rule before and after ({@code null} where it did not
 * exist).
 */
public record AuditEntry(Instant at, String actor, String action, String ruleId, Rule before, Rule after) {
}
