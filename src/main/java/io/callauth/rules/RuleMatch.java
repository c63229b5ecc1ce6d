package io.callauth.rules;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * What a rule matches, as the published OpenAPI document shows it. Documentation only: requests and rules carry
 * {@code match} as a map with one entry, checked by {@link RuleField}; keep both in step.
 */
@Schema(name = "RuleMatch", minProperties = 1, maxProperties = 1, description = "Exactly one member: what the rule "
        + "matches. In a rule, the value as normalised (a phone in E.164, a country upper case).")
public record RuleMatch(
        @Schema(description = "A phone number, in any format (normalised to E.164)", examples = "+79161234567")
        String phone,
        @Schema(description = "The first 1 to 15 digits of E.164 numbers (a `+` is allowed)", examples = "7958555")
        String prefix,
        @Schema(description = "An ISO region (two letters)", examples = "UA")
        String country,
        @Schema(maxLength = 128, description = "A carrier, as libphonenumber's carrier data names the network a "
                + "number's range was assigned to (case is ignored)", examples = "MegaFon")
        String carrier,
        @Schema(description = "An IPv4 or IPv6 address, or a CIDR range", examples = "203.0.113.0/24")
        String ip,
        @Schema(maxLength = 128, description = "A client app id (`context.appId`)", examples = "quizmaster")
        String appId,
        @Schema(maxLength = 128, description = "An end user's device id (`context.deviceId`)")
        String deviceId) {
}
