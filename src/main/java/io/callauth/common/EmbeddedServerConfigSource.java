package io.callauth.common;

import io.quarkus.runtime.LaunchMode;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import java.util.Set;

/**
 * A configuration source that, in dev mode and tests only, answers one property (a server's URL) by starting that
 * server embedded, once per JVM. Lowest ordinal: any configured value (properties, env, system property) wins. In
 * prod (launch mode NORMAL) it answers nothing and starts nothing: prod must be given the real server.
 */
abstract class EmbeddedServerConfigSource implements ConfigSource {

    private final String property;
    private final String name;

    EmbeddedServerConfigSource(String property, String name) {
        this.property = property;
        this.name = name;
    }

    /** starts the server if it is not running yet and answers the property's value */
    protected abstract String startedUrl();

    @Override
    public final String getValue(String propertyName) {
        if (!property.equals(propertyName)) {
            return null;
        }
        LaunchMode mode = LaunchMode.current();
        if (mode != LaunchMode.DEVELOPMENT && mode != LaunchMode.TEST) {
            return null;
        }
        return startedUrl();
    }

    @Override
    public final Set<String> getPropertyNames() {
        return Set.of();
    }

    @Override
    public final Map<String, String> getProperties() {
        return Map.of();
    }

    @Override
    public final int getOrdinal() {
        return 1;
    }

    @Override
    public final String getName() {
        return name;
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
