package io.callauth.common;

import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.Map;
import java.util.Set;

/**
 * One Vert.x event loop per processor the JVM may use. Quarkus' default is the same with a floor of two, which
 * matters on a replica given one CPU (a common pod size): callauth never blocks an event loop, so a second loop buys
 * no concurrency there; it costs hops: a request served on one loop whose pooled Redis or provider connection belongs
 * to the other hands every command and every reply across threads (a task queued on a foreign loop wakes its selector
 * with a system call, and the two threads take turns on the one CPU through the scheduler). Measured with the
 * service pinned to one core ({@code bench/}): about a fifth less CPU per start and a fifth more starts per second.
 * Lowest ordinal: {@code quarkus.vertx.event-loops-pool-size} set anywhere else (the environment's
 * {@code QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE}, a system property, application.properties) wins.
 */
public class EventLoopsConfigSource implements ConfigSource {

    static final String PROPERTY = "quarkus.vertx.event-loops-pool-size";

    @Override
    public String getValue(String propertyName) {
        return PROPERTY.equals(propertyName) ? Integer.toString(Math.max(1, Runtime.getRuntime().availableProcessors()))
                : null;
    }

    @Override
    public Set<String> getPropertyNames() {
        return Set.of(PROPERTY);
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of(PROPERTY, getValue(PROPERTY));
    }

    @Override
    public int getOrdinal() {
        return 1;
    }

    @Override
    public String getName() {
        return "callauth-event-loops";
    }
}
