package io.callauth.webhooks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.awaitility.Awaitility;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook receiver for tests: a real HTTP server on 127.0.0.1 and a free port (the JDK's
 * {@code com.sun.net.httpserver}, one virtual thread per request), that records every request (method, path, headers,
 * body, arrival time) and answers each path by a script: a fixed status (with {@code Retry-After}), a hang (bounded,
 * released at {@link #close}), a redirect. A script's replies are used in order, one per request, the last one
 * repeating; a path without a script answers 200.
 *
 * <pre>{@code
 * try (Receiver r = Receiver.start()) {
 *     r.on("/flaky", Receiver.status(500), Receiver.status(500), Receiver.ok());
 *     register(r.url("/flaky"));                        // http://127.0.0.1:<port>/flaky
 *     List<Receiver.Request> got = r.await("/flaky", 3);
 *     r.assertSigned(secret);
 * }
 * }</pre>
 *
 * The app's tests allow {@code 127.0.0.1} as a webhook host ({@code %test.callauth.webhooks.allowed-hosts}).
 */
public final class Receiver implements AutoCloseable {

    /** the longest a scripted hang holds a request */
    public static final Duration MAX_HANG = Duration.ofSeconds(60);
    /** how long {@link #await} waits unless told */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(20);

    /** one request as it arrived; header names in lower case */
    public record Request(String method, String path, String query, Map<String, List<String>> headers, String body,
                          Instant at, long nanos) {

        /** the first value of a header, or null */
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.getFirst();
        }

        public String webhookId() {
            return header("webhook-id");
        }

        /** {@code webhook-timestamp}, or -1 when missing or not a number */
        public long webhookTimestamp() {
            try {
                return Long.parseLong(header("webhook-timestamp"));
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        public String webhookSignature() {
            return header("webhook-signature");
        }

        /** whether the {@code webhook-signature} holds a valid signature by this secret of this request */
        public boolean signedBy(String secret) {
            String id = webhookId();
            long ts = webhookTimestamp();
            return id != null && ts >= 0 && Signatures.verify(id, ts, body, webhookSignature(), secret);
        }
    }

    /** how a path answers one request */
    public sealed interface Reply permits Status, Hang, Redirect {
    }

    /** a status without a body; {@code retryAfter} (seconds or an HTTP date) when given */
    public record Status(int code, Optional<String> retryAfter) implements Reply {
    }

    /** holds the request for {@code duration} (at most {@link #MAX_HANG}, released by close), then answers {@code then} */
    public record Hang(Duration duration, Reply then) implements Reply {
    }

    /** a redirect ({@code 302} and the like) to {@code location}; a path is made absolute on this receiver */
    public record Redirect(int code, String location) implements Reply {
    }

    public static Reply ok() {
        return status(200);
    }

    public static Reply status(int code) {
        return new Status(code, Optional.empty());
    }

    /** {@code 429} or {@code 503} with {@code Retry-After: <seconds>} */
    public static Reply retryAfter(int code, long seconds) {
        return new Status(code, Optional.of(Long.toString(seconds)));
    }

    /** holds the request for {@code duration}, then answers 200 (the client has usually given up by then) */
    public static Reply hang(Duration duration) {
        return new Hang(duration, ok());
    }

    public static Reply redirect(String location) {
        return new Redirect(302, location);
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Clock clock;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> maxInFlight = new ConcurrentHashMap<>();

    private record Script(List<Reply> replies, AtomicInteger next) {
        Reply take() {
            int i = next.getAndIncrement();
            return replies.get(Math.min(i, replies.size() - 1));
        }
    }

    static {
        // the JDK's server writes an answer's head and body apart: with Nagle's algorithm on, the body waits for the
        // client's delayed ACK (40 ms on Linux). Read once, when the JDK's first server starts (the pom sets it too)
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private Receiver(Clock clock) throws IOException {
        this.clock = clock;
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** a receiver on 127.0.0.1 and a free port, arrival times on the system clock */
    public static Receiver start() {
        return start(Clock.systemUTC());
    }

    /** a receiver whose arrival times come from {@code clock} (the app's {@code MutableClock}, say) */
    public static Receiver start(Clock clock) {
        try {
            return new Receiver(clock);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the test receiver", e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:<port><path>} */
    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + port() + (path.startsWith("/") ? path : "/" + path));
    }

    /** answers the path's next requests with these replies, in order, the last one repeating (replaces its script) */
    public Receiver on(String path, Reply... replies) {
        if (replies.length == 0) {
            throw new IllegalArgumentException("a script needs a reply");
        }
        scripts.put(path, new Script(List.of(replies), new AtomicInteger()));
        return this;
    }

    /** every request so far, in arrival order */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** the requests to one path so far, in arrival order */
    public List<Request> requests(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    /** waits (up to {@link #DEFAULT_WAIT}) until {@code n} requests have arrived; answers all of them */
    public List<Request> await(int n) {
        return await(null, n, DEFAULT_WAIT);
    }

    /** waits (up to {@link #DEFAULT_WAIT}) until {@code n} requests to the path have arrived; answers all of them */
    public List<Request> await(String path, int n) {
        return await(path, n, DEFAULT_WAIT);
    }

    public List<Request> await(String path, int n, Duration atMost) {
        Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(20)).pollDelay(Duration.ZERO)
                .alias(n + " requests to " + (path == null ? "the receiver" : path))
                .until(() -> (path == null ? requests() : requests(path)).size() >= n);
        return path == null ? requests() : requests(path);
    }

    /** the most requests to the path that were being answered at once (hangs make this visible) */
    public int maxInFlight(String path) {
        AtomicInteger max = maxInFlight.get(path);
        return max == null ? 0 : max.get();
    }

    /**
     * Fails, naming them, unless every request so far carries a valid Standard Webhooks signature by one of
     * {@code secrets} (its id, timestamp and body as received).
     */
    public void assertSigned(String... secrets) {
        List<String> bad = new ArrayList<>();
        for (Request r : requests) {
            boolean ok = false;
            for (String secret : secrets) {
                ok |= r.signedBy(secret);
            }
            if (!ok) {
                bad.add(r.method() + " " + r.path() + " webhook-id=" + r.webhookId() + " webhook-timestamp="
                        + r.header("webhook-timestamp") + " webhook-signature=" + r.webhookSignature());
            }
        }
        if (!bad.isEmpty()) {
            throw new AssertionError("requests without a valid signature:\n  " + String.join("\n  ", bad));
        }
    }

    /** forgets the requests so far and every script */
    public void clear() {
        requests.clear();
        scripts.clear();
        maxInFlight.clear();
    }

    /** releases every hanging request and stops the server */
    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        AtomicInteger current = inFlight.computeIfAbsent(path, p -> new AtomicInteger());
        maxInFlight.computeIfAbsent(path, p -> new AtomicInteger()).accumulateAndGet(current.incrementAndGet(), Math::max);
        try (exchange) {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Map<String, List<String>> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
            requests.add(new Request(exchange.getRequestMethod(), path, exchange.getRequestURI().getRawQuery(),
                    Collections.unmodifiableMap(headers), body, clock.instant(), System.nanoTime()));
            Script script = scripts.get(path);
            answer(exchange, script == null ? ok() : script.take());
        } catch (IOException e) {
            // the client went away (a timeout during a hang): nothing to answer
        } finally {
            current.decrementAndGet();
        }
    }

    private void answer(HttpExchange exchange, Reply reply) throws IOException {
        switch (reply) {
            case Status s -> {
                s.retryAfter().ifPresent(v -> exchange.getResponseHeaders().set("Retry-After", v));
                exchange.sendResponseHeaders(s.code(), -1);
            }
            case Hang h -> {
                Duration d = h.duration().compareTo(MAX_HANG) > 0 ? MAX_HANG : h.duration();
                try {
                    if (closing.await(d.toMillis(), TimeUnit.MILLISECONDS)) {
                        return; // closed: the exchange is dropped without an answer
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                answer(exchange, h.then());
            }
            case Redirect r -> {
                String location = r.location().startsWith("/") ? url(r.location()).toString() : r.location();
                exchange.getResponseHeaders().set("Location", location);
                exchange.sendResponseHeaders(r.code(), -1);
            }
        }
    }
}
