package io.callauth.common;

import redis.embedded.RedisServer;

import java.io.IOException;

/**
 * Dev mode and tests without {@code quarkus.redis.hosts}: start a real embedded redis-server on a free loopback port
 * and answer its URL. Lowest ordinal, so any configured value (properties, env, system property) wins. In prod
 * (launch mode NORMAL) it answers nothing and starts nothing: prod must be given Redis.
 */
public class EmbeddedRedisConfigSource extends EmbeddedServerConfigSource {

    static final String HOSTS = "quarkus.redis.hosts";
    private static volatile String url;
    private static RedisServer server;
    private static int port;

    public EmbeddedRedisConfigSource() {
        super(HOSTS, "callauth-embedded-redis");
    }

    @Override
    protected String startedUrl() {
        return ensureStarted();
    }

    /** Starts (once per JVM) an embedded redis-server and answers its URL. */
    public static synchronized String ensureStarted() {
        if (url == null) {
            port = freePort();
            try {
                server = RedisServer.newRedisServer()
                        .port(port)
                        .bind("127.0.0.1")
                        .setting("save \"\"")
                        .setting("appendonly no")
                        .build();
                server.start();
                Runtime.getRuntime().addShutdownHook(new Thread(EmbeddedRedisConfigSource::stop, "embedded-redis-stop"));
            } catch (IOException e) {
                throw new IllegalStateException("cannot start embedded redis-server on port " + port, e);
            }
            url = "redis://127.0.0.1:" + port;
            System.out.println("callauth: embedded redis-server started at " + url);
        }
        return url;
    }

    /** Stops the server (tests of a Redis outage); {@link #restart()} starts a new one, empty, on the same port. */
    public static synchronized void stop() {
        if (server != null) {
            try {
                server.stop();
            } catch (IOException ignored) {
                // going away anyway
            }
            server = null;
        }
    }

    public static synchronized void restart() {
        if (url == null || server != null) {
            return;
        }
        try {
            server = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"")
                    .setting("appendonly no").build();
            server.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot restart the embedded redis-server on port " + port, e);
        }
    }
}
