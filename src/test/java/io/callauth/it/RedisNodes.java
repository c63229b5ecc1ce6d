package io.callauth.it;

import redis.embedded.core.ExecutableProvider;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * Real redis-server processes for the Cluster and Sentinel ITs: the redis-server 6.2 binary the embedded-redis jar
 * ships, started with our own arguments (cluster mode, replicas, sentinels) in a temporary directory, and a minimal
 * RESP client to set them up and look inside. {@link #close()} stops every process it started (also on JVM exit)
 * and deletes the directory.
 */
final class RedisNodes implements AutoCloseable {

    private final Path dir;
    private final File binary;
    private final List<Process> processes = new ArrayList<>();
    private final Thread hook = new Thread(this::destroyAll, "redis-nodes-stop");

    RedisNodes() throws IOException {
        this.dir = Files.createTempDirectory("callauth-redis-");
        this.binary = ExecutableProvider.newJarResourceProvider().get();
        if (!binary.canExecute() && !binary.setExecutable(true)) {
            throw new IllegalStateException("cannot execute " + binary);
        }
        Runtime.getRuntime().addShutdownHook(hook);
    }

    Path dir() {
        return dir;
    }

    /** starts a redis-server on {@code port} with these extra arguments ("--name value" pairs) and waits for PING */
    Process server(int port, String... args) throws IOException {
        Path conf = dir.resolve("redis-" + port + ".conf");
        Files.writeString(conf, "save \"\"\nappendonly no\n");
        List<String> cmd = new ArrayList<>(List.of(binary.getAbsolutePath(), conf.toString(), "--port",
                Integer.toString(port), "--bind", "127.0.0.1", "--dir", dir.toString(),
                "--dbfilename", "dump-" + port + ".rdb", "--logfile", "redis-" + port + ".log"));
        cmd.addAll(List.of(args));
        return launch(cmd, port);
    }

    /** starts a sentinel on {@code port} watching {@code master} as {@code name} (quorum 2, down after 1 s) */
    Process sentinel(int port, String name, int master) throws IOException {
        Path conf = dir.resolve("sentinel-" + port + ".conf");
        Files.writeString(conf, String.join("\n",
                "port " + port,
                "bind 127.0.0.1",
                "dir " + dir,
                "logfile sentinel-" + port + ".log",
                "sentinel monitor " + name + " 127.0.0.1 " + master + " 2",
                "sentinel down-after-milliseconds " + name + " 1000",
                "sentinel failover-timeout " + name + " 10000",
                "sentinel parallel-syncs " + name + " 1", ""));
        return launch(List.of(binary.getAbsolutePath(), conf.toString(), "--sentinel"), port);
    }

    private Process launch(List<String> cmd, int port) throws IOException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("out-" + port + ".txt").toFile()).start();
        synchronized (processes) {
            processes.add(p);
        }
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(() -> "PONG".equals(call(port, "PING")));
        return p;
    }

    /**
     * A Redis Cluster of {@code masters} masters, no replicas: cluster-enabled servers, the 16384 slots split evenly
     * (CLUSTER ADDSLOTS), joined with CLUSTER MEET; answers their ports once every node reports cluster_state:ok.
     */
    List<Integer> cluster(int masters) throws IOException {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < masters; i++) {
            int port = freePort();
            server(port, "--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + port + ".conf",
                    "--cluster-node-timeout", "5000");
            ports.add(port);
        }
        for (int i = 0; i < masters; i++) {
            int from = 16384 * i / masters;
            int to = 16384 * (i + 1) / masters;
            List<String> cmd = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
            for (int slot = from; slot < to; slot++) {
                cmd.add(Integer.toString(slot));
            }
            call(ports.get(i), cmd.toArray(String[]::new));
        }
        for (int i = 1; i < masters; i++) {
            call(ports.get(0), "CLUSTER", "MEET", "127.0.0.1", Integer.toString(ports.get(i)));
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> ports.stream().allMatch(p -> {
                    try {
                        String info = text(p, "CLUSTER", "INFO");
                        return info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:" + masters);
                    } catch (IOException e) {
                        return false;
                    }
                }));
        return ports;
    }

    /** kills one server at once (a crash: no shutdown, no save) */
    void kill(Process p) throws InterruptedException {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        destroyAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // already shutting down
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }

    private void destroyAll() {
        List<Process> all;
        synchronized (processes) {
            all = new ArrayList<>(processes);
            processes.clear();
        }
        for (Process p : all) {
            p.destroy();
        }
        for (Process p : all) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }

    /**
     * A free loopback port at most 55535 whose port + 10000 (the cluster bus port) is free as well. Random in
     * 20000..55535, below the usual ephemeral range, so it rarely meets a port the OS hands out.
     */
    static int freePort() {
        for (int i = 0; i < 200; i++) {
            int p = ThreadLocalRandom.current().nextInt(20000, 55536);
            if (free(p) && free(p + 10000)) {
                return p;
            }
        }
        throw new IllegalStateException("no free port pair found");
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ a minimal RESP client

    /**
     * One command on a fresh connection: the reply as String (simple and bulk strings, integers as text), List for
     * arrays, null for nil; an error reply throws.
     */
    static Object call(int port, String... args) throws IOException {
        return pipeline(port, List.of(List.of(args))).get(0);
    }

    /**
     * Commands on one connection, sent at once (so a {@code SELECT} applies to those after it): their replies in
     * order; an error reply throws.
     */
    static List<Object> pipeline(int port, List<List<String>> commands) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            ByteArrayOutputStream req = new ByteArrayOutputStream();
            for (List<String> args : commands) {
                req.write(("*" + args.size() + "\r\n").getBytes(StandardCharsets.UTF_8));
                for (String a : args) {
                    byte[] b = a.getBytes(StandardCharsets.UTF_8);
                    req.write(("$" + b.length + "\r\n").getBytes(StandardCharsets.UTF_8));
                    req.write(b);
                    req.write("\r\n".getBytes(StandardCharsets.UTF_8));
                }
            }
            out.write(req.toByteArray());
            out.flush();
            InputStream in = new BufferedInputStream(s.getInputStream());
            List<Object> replies = new ArrayList<>(commands.size());
            for (int i = 0; i < commands.size(); i++) {
                replies.add(read(in));
            }
            return replies;
        }
    }

    static String text(int port, String... args) throws IOException {
        Object r = call(port, args);
        return r == null ? null : r.toString();
    }

    private static Object read(InputStream in) throws IOException {
        int type = in.read();
        String line = line(in);
        switch (type) {
            case '+', ':' -> {
                return line;
            }
            case '-' -> throw new IOException("redis error: " + line);
            case '$' -> {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return null;
                }
                byte[] b = in.readNBytes(n);
                in.readNBytes(2);
                return new String(b, StandardCharsets.UTF_8);
            }
            case '*' -> {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return null;
                }
                List<Object> l = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    l.add(read(in));
                }
                return l;
            }
            default -> throw new IOException("unexpected reply type " + (char) type);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\r') {
                in.read();
                break;
            }
            sb.append((char) c);
        }
        return sb.toString();
    }
}
