package io.callauth.rules;

import io.callauth.openapi.NamedEnums;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.Map;

/**
 * One of the fraud team's runtime rules: a {@code block} refuses a start that matches, an {@code allow} safe-lists
 * it against the geo permissions and the prefix limit. {@code match} has exactly one field: {@code phone} (E.164),
 * {@code prefix} (E.164 digits), {@code country} (ISO region), {@code carrier}, {@code ip} (an address or CIDR),
 * {@code appId} or {@code deviceId}. A {@code monitor} rule only logs and counts. {@code hits}: how many starts it
 * matched (all replicas), filled in when listed. {@code source}: {@code api} (the fraud team, through the API or the
 * console; also a rule stored before sources existed) or {@code auto} (the defence, io.callauth.defence: always with
 * an expiry, and an enforced allow rule wins over it).
 */
@Schema(name = "Rule", description = "A runtime block or allow rule, in force on every replica")
public record Rule(
        @Schema(required = true, description = "The rule's id", examples = "rl_4c1e0d6a9b2f47e3")
        String id,
        @Schema(required = true, ref = NamedEnums.RULE_ACTION, examples = "block")
        String action,
        @Schema(required = true, implementation = RuleMatch.class)
        Map<String, String> match,
        @Schema(required = true, ref = NamedEnums.RULE_MODE, examples = "enforce")
        String mode,
        @Schema(required = true, description = "Why, as given", examples = "SIM farm seen on 2026-12-01")
        String reason,
        @Schema(nullable = true, description = "When it stops acting; null: never")
        Instant expiresAt,
        @Schema(required = true, description = "When it was added")
        Instant createdAt,
        @Schema(required = true, description = "Who added it: the API key's name or the console user",
                examples = "fraud")
        String createdBy,
        @Schema(nullable = true, description = "How many starts it matched, all replicas together (in a list and "
                + "when created); null in the audit trail", examples = "41")
        Long hits,
        @Schema(description = "Who made it: `api` (the fraud team) or `auto` (the automatic defence against pumping; "
                + "always expires, and an allow rule wins over it); an open set", examples = "api")
        String source) {

    public static final String API = "api";
    public static final String AUTO = "auto";

    /** a rule made by the fraud team ({@code source: api}) */
    public Rule(String id, String action, Map<String, String> match, String mode, String reason, Instant expiresAt,
                Instant createdAt, String createdBy, Long hits) {
        this(id, action, match, mode, reason, expiresAt, createdAt, createdBy, hits, API);
    }

    /** {@code api} for a rule stored before sources existed */
    public Rule {
        source = source == null ? API : source;
    }

    /** whether the automatic defence made it */
    public boolean auto() {
        return AUTO.equals(source);
    }

    public static final String BLOCK = "block";
    public static final String ALLOW = "allow";
    public static final String ENFORCE = "enforce";
    public static final String MONITOR = "monitor";

    public boolean expiredAt(long nowMillis) {
        return expiresAt != null && expiresAt.toEpochMilli() <= nowMillis;
    }

    public boolean enforced() {
        return ENFORCE.equals(mode);
    }

    public boolean blocks() {
        return BLOCK.equals(action);
    }

    /** the single match field */
    public RuleField field() {
        String wire = match.keySet().iterator().next();
        return RuleField.parse(wire).orElseThrow(() -> new IllegalStateException("a rule matches on " + wire));
    }

    public String value() {
        return match.values().iterator().next();
    }

    public Rule withHits(long n) {
        return new Rule(id, action, match, mode, reason, expiresAt, createdAt, createdBy, n, source);
    }

    public Rule withoutHits() {
        return new Rule(id, action, match, mode, reason, expiresAt, createdAt, createdBy, null, source);
    }
}
