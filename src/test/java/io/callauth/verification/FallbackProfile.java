package io.callauth.verification;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** CallPass first, the sandbox behind it: every way CallPass can fail must land the user a sandbox call. */
public class FallbackProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "callauth.providers.chain", "callpass,sandbox",
                "callauth.providers.callpass.request-timeout", "500ms",
                "callauth.providers.circuit.request-volume", "4",
                "callauth.providers.circuit.failure-ratio", "0.5",
                "callauth.providers.circuit.delay", "60S");
    }
}
