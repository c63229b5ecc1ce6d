package io.callauth.routing;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** bench/routing: CallPass first, Yunhu behind it, with costs, and the production exploration share. */
public class RoutingBenchProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "callauth.providers.chain", "callpass,yunhu",
                "callauth.providers.callpass.cost", "0.40",
                "callauth.providers.yunhu.cost", "0.60",
                "callauth.routing.explore", "0.05",
                "quarkus.log.category.\"io.callauth\".level", "WARN");
    }
}
