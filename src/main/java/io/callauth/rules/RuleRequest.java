package io.callauth.rules;

import io.callauth.openapi.NamedEnums;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.Map;

/**
 * A rule as the fraud team posts it: {@code action} block|allow, {@code match} with exactly one of phone, prefix,
 * country, ip, appId, deviceId, {@code mode} enforce|monitor, {@code reason} (up to 500 characters) and an optional
 * {@code expiresAt} (an RFC 3339 instant, any offset form, in the future). Values are checked by {@link Rules#create}.
 */
@Schema(name = "RuleRequest", description = "A block or allow rule to add")
public record RuleRequest(
        @Schema(required = true, ref = NamedEnums.RULE_ACTION, examples = "block")
        String action,
        @Schema(required = true, implementation = RuleMatch.class)
        Map<String, Object> match,
        @Schema(required = true, ref = NamedEnums.RULE_MODE, examples = "enforce")
        String mode,
        @Schema(required = true, minLength = 1, maxLength = Rules.MAX_REASON, description = "Why, for the audit "
                + "trail and the console", examples = "SIM farm seen on 2026-12-01")
        String reason,
        @Schema(type = SchemaType.STRING, format = "date-time", description = "When the rule stops acting (RFC 3339, "
                + "any offset form; in the future); absent: never", examples = "2026-12-31T00:00:00Z")
        String expiresAt) {
}
