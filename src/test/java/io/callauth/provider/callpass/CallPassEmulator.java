package io.callauth.provider.callpass;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wire emulator of the CallPass API as callpass.seed.md describes it: POST only, form-encoded UTF-8 bodies,
 * {@code Authorization: Bearer <token>}, {@code {"status","data":{"result",…}}} envelopes, {@code "null"} as a
 * string while a call is in progress, {@code data.result "error"} with a message for method errors, v1 synchronous,
 * v2/v3 with {@code async}, {@code pin} vs {@code phone}, {@code callid} or {@code callId}.
 */
public final class CallPassEmulator implements AutoCloseable {

    public record Call(String version, String dn, int timeout, boolean async, String callid, String digits, Instant at) {
        public String code(int length) {
            return digits.substring(digits.length() - length);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpServer server;
    private final String token;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> polls = new ConcurrentHashMap<>();
    private final Map<String, Integer> pollsNeeded = new ConcurrentHashMap<>();
    private final Map<String, String> finals = new ConcurrentHashMap<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();

    private volatile String refusal;
    private volatile int httpFailure;
    private volatile Duration delay = Duration.ZERO;
    private volatile String finalResult = "NO_ANSWER";
    private volatile int pollsBeforeFinal = 1;
    private volatile boolean neverFinish;
    private volatile Duration syncRing = Duration.ZERO;
    private volatile String v2CodeField = "phone";

    private CallPassEmulator(String token, int port) throws IOException {
        this.token = token;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 200);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public static CallPassEmulator start(String token) {
        return start(token, 0);
    }

    public static CallPassEmulator start(String token, int port) {
        try {
            return new CallPassEmulator(token, port);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    // ------------------------------------------------------------ behaviour

    public CallPassEmulator refuseCalls(String message) {
        this.refusal = message;
        return this;
    }

    public CallPassEmulator failWithHttp(int status) {
        this.httpFailure = status;
        return this;
    }

    public CallPassEmulator delayResponses(Duration d) {
        this.delay = d;
        return this;
    }

    public CallPassEmulator finalResult(String result) {
        this.finalResult = result;
        return this;
    }

    public CallPassEmulator pollsBeforeFinal(int n) {
        this.pollsBeforeFinal = n;
        return this;
    }

    public CallPassEmulator neverFinish() {
        this.neverFinish = true;
        return this;
    }

    public CallPassEmulator syncRingDuration(Duration d) {
        this.syncRing = d;
        return this;
    }

    public CallPassEmulator v2CodeField(String field) {
        this.v2CodeField = field;
        return this;
    }

    public void reset() {
        refusal = null;
        httpFailure = 0;
        delay = Duration.ZERO;
        finalResult = "NO_ANSWER";
        pollsBeforeFinal = 1;
        neverFinish = false;
        syncRing = Duration.ZERO;
        v2CodeField = "phone";
        calls.clear();
        polls.clear();
        pollsNeeded.clear();
        finals.clear();
        authorizations.clear();
        requests.set(0);
    }

    // ------------------------------------------------------------ observations

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public Call lastCall() {
        if (calls.isEmpty()) {
            throw new IllegalStateException("no call placed");
        }
        return calls.get(calls.size() - 1);
    }

    public int statusPolls(String callid) {
        AtomicInteger n = polls.get(callid);
        return n == null ? 0 : n.get();
    }

    public int requestCount() {
        return requests.get();
    }

    public List<String> authorizationHeaders() {
        return List.copyOf(authorizations);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ------------------------------------------------------------ wire

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            requests.incrementAndGet();
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth != null) {
                authorizations.add(auth);
            }
            if (!delay.isZero()) {
                sleep(delay);
            }
            String path = ex.getRequestURI().getPath();
            String method = path.replaceAll("/+$", "");
            if (!method.matches("/api/v[123]\\.0/(start-call-password|get-call-password-status)")
                    || (method.startsWith("/api/v1.0/get-call-password-status"))) {
                send(ex, 404, error("method not found"));
                return;
            }
            if (!"POST".equals(ex.getRequestMethod())) {
                send(ex, 405, error("method not allowed"));
                return;
            }
            if (auth == null || !auth.equals("Bearer " + token)) {
                send(ex, 401, error("unauthorized"));
                return;
            }
            String type = ex.getRequestHeaders().getFirst("Content-Type");
            if (type == null || !type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
                send(ex, 400, error("content type must be application/x-www-form-urlencoded"));
                return;
            }
            Map<String, String> form = form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String version = method.substring(5, 7);
            if (method.endsWith("start-call-password")) {
                start(ex, version, form);
            } else {
                status(ex, form);
            }
        }
    }

    private void start(HttpExchange ex, String version, Map<String, String> form) throws IOException {
        if (httpFailure != 0) {
            send(ex, httpFailure, error("internal error"));
            return;
        }
        String dn = form.get("dn");
        if (dn == null || !dn.matches("7\\d{10,}")) {
            send(ex, 400, error("invalid parameter dn"));
            return;
        }
        int timeout;
        try {
            timeout = Integer.parseInt(form.getOrDefault("timeout", ""));
        } catch (NumberFormatException e) {
            timeout = -1;
        }
        if (timeout < 2 || timeout > 99) {
            send(ex, 400, error("invalid parameter timeout"));
            return;
        }
        String asyncParam = form.get("async");
        if (asyncParam != null && !asyncParam.equals("0") && !asyncParam.equals("1")) {
            send(ex, 400, error("invalid parameter async"));
            return;
        }
        boolean async = !version.equals("v1") && "1".equals(asyncParam);
        if (refusal != null) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("message", refusal);
            data.put("result", "error");
            send(ex, 200, success(data));
            return;
        }
        String callid = UUID.randomUUID().toString();
        boolean sevenDigits = version.equals("v3");
        String digits = digits(sevenDigits ? 7 : 4);
        String field = version.equals("v3") ? "phone" : version.equals("v1") ? "pin" : v2CodeField;
        calls.add(new Call(version, dn, timeout, async, callid, digits, Instant.now()));
        polls.put(callid, new AtomicInteger());
        pollsNeeded.put(callid, neverFinish ? Integer.MAX_VALUE : pollsBeforeFinal);
        finals.put(callid, finalResult);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("callid", callid);
        data.put(field, digits);
        if (async) {
            data.put("result", "null");
        } else {
            Duration ring = syncRing.compareTo(Duration.ofSeconds(timeout)) > 0 ? Duration.ofSeconds(timeout) : syncRing;
            sleep(ring);
            data.put("result", finalResult);
        }
        send(ex, 200, success(data));
    }

    private void status(HttpExchange ex, Map<String, String> form) throws IOException {
        String callid = form.containsKey("callid") ? form.get("callid") : form.get("callId");
        AtomicInteger n = callid == null ? null : polls.get(callid);
        Map<String, Object> data = new LinkedHashMap<>();
        if (n == null) {
            data.put("message", "can't find callid");
            data.put("result", "error");
            send(ex, 200, success(data));
            return;
        }
        int seen = n.incrementAndGet();
        data.put("callid", callid);
        data.put("result", seen <= pollsNeeded.getOrDefault(callid, 0) ? "null" : finals.get(callid));
        send(ex, 200, success(data));
    }

    private static Map<String, Object> success(Map<String, Object> data) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data", data);
        m.put("status", "success");
        return m;
    }

    private static Map<String, Object> error(String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "error");
        m.put("message", message);
        return m;
    }

    private static void send(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> m = new LinkedHashMap<>();
        if (body.isEmpty()) {
            return m;
        }
        for (String pair : body.split("&")) {
            int i = pair.indexOf('=');
            String k = URLDecoder.decode(i < 0 ? pair : pair.substring(0, i), StandardCharsets.UTF_8);
            String v = i < 0 ? "" : URLDecoder.decode(pair.substring(i + 1), StandardCharsets.UTF_8);
            m.put(k, v);
        }
        return m;
    }

    private static String digits(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(RANDOM.nextInt(10));
        }
        return sb.toString();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** For the benchmark: {@code --port N --token T [--polls-before-final N]}; runs until killed. */
    public static void main(String[] args) throws Exception {
        int port = 0;
        String token = "benchtoken";
        int pollsBefore = 1;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--token" -> token = args[i + 1];
                case "--polls-before-final" -> pollsBefore = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        CallPassEmulator e = start(token, port).pollsBeforeFinal(pollsBefore);
        System.out.println("CallPass emulator on " + e.url());
        // the benchmark only needs the wire: forget calls older than a minute so memory stays flat
        while (true) {
            Thread.sleep(60_000);
            Instant cutoff = Instant.now().minusSeconds(60);
            List<Call> old = new ArrayList<>();
            for (Call c : e.calls) {
                if (c.at().isBefore(cutoff)) {
                    old.add(c);
                }
            }
            e.calls.removeAll(old);
            e.authorizations.clear();
            old.forEach(c -> {
                e.polls.remove(c.callid());
                e.pollsNeeded.remove(c.callid());
                e.finals.remove(c.callid());
            });
        }
    }
}
