package io.callauth.console;

import io.callauth.provider.ProvidersConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * {@code callauth.dev.seed-day=true}: seeds a day of traffic into the archive once the app has started (in the
 * background, on its own thread), so that {@code ./mvnw quarkus:dev -Dcallauth.dev.seed-day=true} opens a console
 * with something to look at. Only with the sandbox provider configured, like the console's seed button.
 */
@ApplicationScoped
public class DevSeed {

    private static final Logger LOG = Logger.getLogger(DevSeed.class);

    private final DaySeeder seeder;
    private final ProvidersConfig providers;
    private final boolean enabled;

    public DevSeed(DaySeeder seeder, ProvidersConfig providers,
                   @ConfigProperty(name = "callauth.dev.seed-day", defaultValue = "false") boolean enabled) {
        this.seeder = seeder;
        this.providers = providers;
        this.enabled = enabled;
    }

    void onStart(@Observes StartupEvent event) {
        if (!enabled) {
            return;
        }
        if (!providers.chain().map(c -> c.contains("sandbox")).orElse(false)) {
            LOG.warn("callauth.dev.seed-day is set but the sandbox provider is not configured: nothing seeded");
            return;
        }
        Thread.ofVirtual().name("dev-seed").start(() -> {
            try {
                seeder.seed();
            } catch (Exception e) {
                LOG.warnf("seeding a day of traffic failed: %s", e.toString());
            }
        });
    }
}
