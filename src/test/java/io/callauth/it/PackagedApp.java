package io.callauth.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged app ({@code java -jar target/quarkus-app/quarkus-run.jar}) as an operator runs it: prod profile, env only. */
final class PackagedApp implements AutoCloseable {

    final Process process;
    final int port;
    final int managementPort;
    final Path log;

    private PackagedApp(Process process, int port, int managementPort, Path log) {
        this.process = process;
        this.port = port;
        this.managementPort = managementPort;
        this.log = log;
    }

    static PackagedApp start(Map<String, String> env) throws IOException {
        int port = freePort();
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("package the app first (mvn verify runs package before the ITs)");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("CALLAUTH_") || k.startsWith("QUARKUS_"));
        pb.environment().putAll(env);
        pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        int management = freePort();
        pb.environment().put("QUARKUS_MANAGEMENT_PORT", Integer.toString(management));
        Path log = Files.createTempFile("callauth-it-", ".log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        return new PackagedApp(pb.start(), port, management, log);
    }

    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** waits (at most a minute) until readiness answers 200 on the management port */
    PackagedApp awaitReady() {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .pollInterval(java.time.Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> io.restassured.RestAssured.given().baseUri(managementUrl()).get("/q/health/ready")
                        .statusCode() == 200);
        return this;
    }

    /** health, metrics and OpenAPI: the management interface */
    String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** closes what a test class started (replicas, emulators), skipping what never started */
    static void closeAll(AutoCloseable... started) throws Exception {
        for (AutoCloseable c : started) {
            if (c != null) {
                c.close();
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
