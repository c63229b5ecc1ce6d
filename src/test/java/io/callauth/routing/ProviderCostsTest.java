package io.callauth.routing;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** callauth.providers.<name>.cost, as a property and as the operator's environment variable */
class ProviderCostsTest {

    static ProviderCosts mapped(SmallRyeConfigBuilder b) {
        SmallRyeConfig c = b.withMapping(ProviderCosts.class).build();
        return c.getConfigMapping(ProviderCosts.class);
    }

    @Test
    void fromPropertiesAndFromTheEnvironment() {
        ProviderCosts props = mapped(new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(
                Map.of("callauth.providers.callpass.cost", "0.4"), "test", 100)));
        assertThat(Costs.from(props, List.of("callpass", "yunhu"), List.of()).of("callpass", "+79031234567", "RU"))
                .isEqualTo(0.4);
        ProviderCosts env = mapped(new SmallRyeConfigBuilder().withSources(new EnvConfigSource(
                Map.of("CALLAUTH_PROVIDERS_YUNHU_COST", "0.65"), 300)));
        Costs costs = Costs.from(env, List.of("callpass", "yunhu"), List.of());
        assertThat(costs.of("yunhu", "+79031234567", "RU")).isEqualTo(0.65);
        assertThat(costs.of("callpass", "+79031234567", "RU")).isEqualTo(Costs.DEFAULT_COST);
    }
}
