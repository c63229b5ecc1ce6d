package io.callauth.console;

import io.callauth.common.DevConfig;
import io.callauth.provider.ProvidersConfig;
import io.callauth.attempts.AttemptArchive;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code callauth.dev.seed-day=true}: seeds a day of traffic into the archive once the app has started (in the
 * background, on its own thread), so that {@code ./mvnw quarkus:dev -Dcallauth.dev.seed-day=true} opens a console
 * with something to look at. Only with the sandbox provider configured, like the console's seed button.
 */
@ApplicationScoped
public class DevSeed {

    private static final Logger LOG = Logger.getLogger(DevSeed.class);

    private final DaySeeder seeder;
    private final AttemptArchive archive;
    private final Clock clock;
    private final ProvidersConfig providers;
    private final boolean enabled;

    public DevSeed(DaySeeder seeder, AttemptArchive archive, Clock clock, ProvidersConfig providers, DevConfig dev) {
        this.seeder = seeder;
        this.archive = archive;
        this.clock = clock;
        this.providers = providers;
        this.enabled = dev.seedDay();
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
                // a live reload starts the app again: the day is seeded once, not once per reload
                Instant to = ConsoleQueries.windowEnd(clock.instant());
                boolean seeded = archive.rollup("day", to.minus(Duration.ofHours(24)), to).values().stream()
                        .anyMatch(c -> c.started() > 0);
                if (seeded) {
                    LOG.info("callauth.dev.seed-day: the archive already has traffic in the last 24 h; nothing seeded");
                    return;
                }
                seeder.seed();
            } catch (Exception e) {
                LOG.warnf("seeding a day of traffic failed: %s", e.toString());
            }
        });
    }
}
