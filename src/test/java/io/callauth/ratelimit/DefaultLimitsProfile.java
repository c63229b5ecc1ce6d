package io.callauth.ratelimit;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** The production defaults of every rate limit (the plain test profile switches most of them off). */
public class DefaultLimitsProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "callauth.rate-limits.destination", "3/10m,10/24h",
                "callauth.rate-limits.ip", "20/10m",
                "callauth.rate-limits.prefix", "50/10m",
                "callauth.rate-limits.api-key", "1000/1m",
                "callauth.rate-limits.check-ip", "60/10m");
    }
}
