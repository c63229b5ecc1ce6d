package io.callauth.ratelimit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Rate-limit rules. Each is a comma-separated list of windows {@code N/duration} ({@code 3/10m,10/24h}); all
 * windows of a rule must allow; {@code off} disables a rule.
 */
@ConfigMapping(prefix = "callauth.rate-limits")
public interface RateLimitConfig {

    /** starts and resends to one destination number (bombing one victim) */
    @WithDefault("3/10m,10/24h")
    String destination();

    /** starts and resends per client IP */
    @WithDefault("20/10m")
    String ip();

    /** starts and resends per 8-digit E.164 prefix (toll-fraud pumping across a range) */
    @WithDefault("50/10m")
    String prefix();

    /** starts and resends per API key */
    @WithDefault("1000/1m")
    String apiKey();

    /** checks per client IP across verifications (code spraying) */
    @WithDefault("60/10m")
    String checkIp();

    /**
     * the per-replica shield: verify-API requests (starts, checks, resends) one API key may send to one replica,
     * counted in memory before anything reaches Redis; past it a request is refused at once (429, rule
     * {@code replica_shield}). Absent: the windows of {@link #apiKey()} (a replica never sees more of a key's
     * requests than all replicas together, so the shield refuses only what the shared limit would refuse anyway,
     * and a flood costs Redis nothing); {@code off}: no shield.
     */
    Optional<String> replicaShield();

    /** peers whose X-Forwarded-For is believed (exact addresses); nobody's by default */
    Optional<List<String>> trustedProxies();

    /** an idle bucket key expires this long after it would be full again */
    @WithDefault("1M")
    Duration idleGrace();
}
