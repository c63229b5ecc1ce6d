package io.callauth.provider.yunhu;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** CallPass, then Yunhu, then the sandbox: every hop into and out of Yunhu can be watched. */
public class YunhuProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("callauth.providers.chain", "callpass,yunhu,sandbox");
    }
}
