package io.callauth.common;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** One event loop per processor, unless the operator says otherwise. */
@QuarkusTest
class EventLoopsConfigSourceTest {

    @Inject
    Vertx vertx;

    @Test
    void theApplicationRunsOneEventLoopPerProcessor() {
        // the size comes from this source (nothing else sets it here) ...
        ConfigValue size = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class)
                .getConfigValue(EventLoopsConfigSource.PROPERTY);
        assertThat(size.getSourceName()).isEqualTo("callauth-event-loops");
        assertThat(size.getValue()).isEqualTo(Integer.toString(Runtime.getRuntime().availableProcessors()));
        // ... and Vert.x runs that many: the event-loop group hands out its loops in turn
        Set<Object> loops = new HashSet<>();
        for (int i = 0; i < 64; i++) {
            loops.add(((VertxInternal) vertx).getEventLoopGroup().next());
        }
        assertThat(loops).hasSize(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void aConfiguredSizeWins() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new EventLoopsConfigSource())
                .withSources(new PropertiesConfigSource(Map.of(EventLoopsConfigSource.PROPERTY, "7"), "operator", 250))
                .build();
        assertThat(config.getValue(EventLoopsConfigSource.PROPERTY, Integer.class)).isEqualTo(7);
        SmallRyeConfig alone = new SmallRyeConfigBuilder().withSources(new EventLoopsConfigSource()).build();
        assertThat(alone.getValue(EventLoopsConfigSource.PROPERTY, Integer.class))
                .isEqualTo(Runtime.getRuntime().availableProcessors());
    }
}
