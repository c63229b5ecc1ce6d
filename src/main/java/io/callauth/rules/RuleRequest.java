package io.callauth.rules;

import java.util.Map;

/**
 * A rule as the fraud team posts it: {@code action} block|allow, {@code match} with exactly one of phone, prefix,
 * country, ip, appId, deviceId, {@code mode} enforce|monitor, {@code reason} (up to 500 characters) and an optional
 * {@code expiresAt} (ISO-8601 instant, in the future). Values are checked by {@link Rules#create}.
 */
public record RuleRequest(String action, Map<String, Object> match, String mode, String reason, String expiresAt) {
}
