// The webhook receiver of bench/webhooks.sh: a JDK HTTP server (one virtual thread per request) on 127.0.0.1 that
// answers every POST with 204 at once and records, per path, the requests, the events in them (a batch counts each),
// the arrival of the first and the last, and for each event the time from its "timestamp" (when callauth made the
// attempt record) to its arrival. With a secret for the path (PUT /secret?path=/x, the secret as the body) it checks
// each request's Standard Webhooks signature too. No dependency: java bench/WebhookReceiver.java --port 9999
//   GET  /stats?path=/x   {"path","requests","events","repeated","badSignatures","eventsPerSecond","latencyMs":{"p50","p90","p99","max"}}
//   ("repeated": requests whose webhook-id had come before, a try sent again)
//   POST /reset?path=/x   forgets what /x received
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class WebhookReceiver {

    static final Pattern TIMESTAMP = Pattern.compile("\"timestamp\"\\s*:\\s*\"([^\"]+)\"");

    static final class PathStats {
        long requests;
        long events;
        long badSignatures;
        /** requests whose webhook-id came before: a try sent again (at least once: after a timeout, a crash) */
        long repeated;
        final java.util.Set<String> ids = new java.util.HashSet<>();
        long firstNanos;
        long lastNanos;
        final List<Long> latencyMicros = new ArrayList<>();
        volatile byte[] key;
    }

    static final Map<String, PathStats> STATS = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        int port = args.length >= 2 && args[0].equals("--port") ? Integer.parseInt(args[1]) : 9999;
        // the JDK's server writes an answer's head and body apart: with Nagle's algorithm on, the body waits for the
        // client's delayed ACK (40 ms on Linux), and the receiver, not the sender, would set the pace
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 4096);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", WebhookReceiver::handle);
        server.start();
        System.out.println("webhook receiver on http://127.0.0.1:" + port);
    }

    static PathStats stats(String path) {
        return STATS.computeIfAbsent(path, p -> new PathStats());
    }

    static void handle(HttpExchange ex) throws IOException {
        try (ex) {
            long nanos = System.nanoTime();
            Instant arrival = Instant.now();
            String path = ex.getRequestURI().getPath();
            String query = ex.getRequestURI().getQuery();
            String target = query != null && query.startsWith("path=") ? query.substring(5) : null;
            byte[] body = ex.getRequestBody().readAllBytes();
            switch (ex.getRequestMethod() + " " + path) {
                case "GET /stats" -> {
                    reply(ex, 200, report(target));
                    return;
                }
                case "POST /reset" -> {
                    PathStats old = STATS.remove(target);
                    if (old != null && old.key != null) {
                        stats(target).key = old.key;
                    }
                    reply(ex, 204, null);
                    return;
                }
                case "PUT /secret" -> {
                    String secret = new String(body, StandardCharsets.UTF_8).trim();
                    stats(target).key = Base64.getDecoder().decode(secret.substring(secret.indexOf('_') + 1));
                    reply(ex, 204, null);
                    return;
                }
                default -> {
                }
            }
            String text = new String(body, StandardCharsets.UTF_8);
            List<Long> latencies = new ArrayList<>();
            Matcher m = TIMESTAMP.matcher(text);
            while (m.find()) {
                try {
                    latencies.add(java.time.Duration.between(Instant.parse(m.group(1)), arrival).toNanos() / 1000);
                } catch (RuntimeException e) {
                    latencies.add(null);
                }
            }
            PathStats s = stats(path);
            boolean signed = s.key == null || verify(s.key, ex, text);
            synchronized (s) {
                if (s.requests++ == 0) {
                    s.firstNanos = nanos;
                }
                s.lastNanos = nanos;
                s.events += Math.max(1, latencies.size());
                for (Long l : latencies) {
                    if (l != null) {
                        s.latencyMicros.add(l);
                    }
                }
                if (!signed) {
                    s.badSignatures++;
                }
                String id = ex.getRequestHeaders().getFirst("webhook-id");
                if (id != null && !s.ids.add(id)) {
                    s.repeated++;
                    System.out.println(arrival + " repeated " + path + " " + id);
                }
            }
            reply(ex, 204, null);
        }
    }

    static boolean verify(byte[] key, HttpExchange ex, String body) {
        try {
            String id = ex.getRequestHeaders().getFirst("webhook-id");
            String ts = ex.getRequestHeaders().getFirst("webhook-timestamp");
            String sigs = ex.getRequestHeaders().getFirst("webhook-signature");
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] expected = Base64.getEncoder().encode(
                    mac.doFinal((id + "." + ts + "." + body).getBytes(StandardCharsets.UTF_8)));
            for (String s : sigs.split(" ")) {
                if (s.startsWith("v1,") && MessageDigest.isEqual(expected, s.substring(3).getBytes(StandardCharsets.UTF_8))) {
                    return true;
                }
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    static String report(String path) {
        PathStats s = STATS.get(path);
        if (s == null) {
            return "{\"path\":\"" + path + "\",\"requests\":0,\"events\":0,\"repeated\":0,\"badSignatures\":0,\"eventsPerSecond\":0,"
                    + "\"latencyMs\":null}";
        }
        synchronized (s) {
            List<Long> sorted = new ArrayList<>(s.latencyMicros);
            Collections.sort(sorted);
            double seconds = (s.lastNanos - s.firstNanos) / 1e9;
            String latency = sorted.isEmpty() ? "null" : String.format(java.util.Locale.ROOT,
                    "{\"p50\":%.1f,\"p90\":%.1f,\"p99\":%.1f,\"max\":%.1f}", pct(sorted, 50), pct(sorted, 90),
                    pct(sorted, 99), sorted.getLast() / 1000.0);
            return String.format(java.util.Locale.ROOT, "{\"path\":\"%s\",\"requests\":%d,\"events\":%d,"
                            + "\"repeated\":%d,\"badSignatures\":%d,\"eventsPerSecond\":%.0f,\"latencyMs\":%s}",
                    path, s.requests, s.events, s.repeated, s.badSignatures, seconds > 0 ? s.events / seconds : 0,
                    latency);
        }
    }

    static double pct(List<Long> sorted, double p) {
        int i = (int) Math.ceil(p / 100 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i))) / 1000.0;
    }

    static void reply(HttpExchange ex, int status, String json) throws IOException {
        if (json == null) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }
}
