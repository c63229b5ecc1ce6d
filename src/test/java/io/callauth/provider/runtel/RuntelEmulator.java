package io.callauth.provider.runtel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wire emulator of the Runtel PBX API v2 (runtel.seed.md): {@code POST /api/} with
 * {@code {"action","obj","action_id","params"}}, answers echoing them with {@code code}, {@code notifies} and
 * {@code body}. {@code auth}/{@code User} and {@code logout}/{@code User} as documented; failed logins count, and
 * after {@link #blockAfter} of them the host is blocked (HTTP 403 on everything) until {@link #unblock()}, as the
 * PBX's protection does. The {@code call}/{@code Call} action is NOT documented by Runtel: it stands in for the
 * account's call action with the shape of callauth's configurable default.
 */
public final class RuntelEmulator implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final String login;
    private final String password;
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    private final List<Map<String, Object>> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger logins = new AtomicInteger();
    private final AtomicInteger failedLogins = new AtomicInteger();
    private final AtomicInteger logouts = new AtomicInteger();
    private volatile int blockAfter = 3;
    private volatile boolean blocked;
    private volatile int httpFailure;
    private volatile int refuseCode;

    private RuntelEmulator(String login, String password) throws IOException {
        this.login = login;
        this.password = password;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public static RuntelEmulator start(String login, String password) {
        try {
            return new RuntelEmulator(login, password);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public RuntelEmulator blockAfter(int n) {
        blockAfter = n;
        return this;
    }

    public void unblock() {
        blocked = false;
        failedLogins.set(0);
    }

    public boolean blocked() {
        return blocked;
    }

    public void expireTokens() {
        tokens.clear();
    }

    public RuntelEmulator failWithHttp(int status) {
        httpFailure = status;
        return this;
    }

    public RuntelEmulator refuseCalls(int code) {
        refuseCode = code;
        return this;
    }

    public int logins() {
        return logins.get();
    }

    public int failedLogins() {
        return failedLogins.get();
    }

    public int logouts() {
        return logouts.get();
    }

    public List<Map<String, Object>> calls() {
        return List.copyOf(calls);
    }

    public void reset() {
        tokens.clear();
        calls.clear();
        logins.set(0);
        failedLogins.set(0);
        logouts.set(0);
        blockAfter = 3;
        blocked = false;
        httpFailure = 0;
        refuseCode = 0;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (blocked) {
                send(ex, 403, Map.of("code", 403, "notifies", List.of(), "body", Map.of("error", "host blocked")));
                return;
            }
            if (httpFailure != 0) {
                send(ex, httpFailure, Map.of("code", httpFailure));
                return;
            }
            if (!"POST".equals(ex.getRequestMethod()) || !ex.getRequestURI().getPath().equals("/api/")) {
                send(ex, 404, Map.of("code", 404));
                return;
            }
            JsonNode req;
            try {
                req = JSON.readTree(ex.getRequestBody());
            } catch (IOException e) {
                send(ex, 400, Map.of("code", 400));
                return;
            }
            String action = req.path("action").asText();
            String obj = req.path("obj").asText();
            String actionId = req.path("action_id").asText();
            JsonNode params = req.path("params");
            String h = ex.getRequestHeaders().getFirst("Authorization");
            boolean authorized = h != null && h.startsWith("Bearer ") && tokens.contains(h.substring(7));
            switch (action + "/" + obj) {
                case "auth/User" -> {
                    if (login.equals(params.path("login").asText()) && password.equals(params.path("password").asText())) {
                        logins.incrementAndGet();
                        String token = "J" + UUID.randomUUID().toString().replace("-", "") + "W";
                        tokens.add(token);
                        Map<String, Object> body = new LinkedHashMap<>();
                        body.put("version", Map.of("software", "2.9.0", "last_update", 1631889200.532154));
                        body.put("exp", LocalDateTime.now(ZoneOffset.UTC).plusHours(4).toString());
                        body.put("user_id", 48);
                        body.put("user_login", login);
                        body.put("role_name", "PBX administrator");
                        body.put("tz", "Europe/Prague");
                        body.put("token", token);
                        send(ex, 200, answer(action, actionId, obj, 200, body));
                    } else {
                        if (failedLogins.incrementAndGet() >= blockAfter) {
                            blocked = true;
                        }
                        send(ex, 200, answer(action, actionId, obj, 401, Map.of("error", "invalid login or password")));
                    }
                }
                case "logout/User" -> {
                    if (!authorized) {
                        send(ex, 200, answer(action, actionId, obj, 401, Map.of()));
                        return;
                    }
                    tokens.remove(h.substring(7));
                    logouts.incrementAndGet();
                    send(ex, 200, answer(action, actionId, obj, 200, Map.of()));
                }
                case "call/Call" -> {
                    // ASSUMPTION: Runtel documents no call action; this is callauth's configurable default
                    if (!authorized) {
                        send(ex, 200, answer(action, actionId, obj, 401, Map.of("error", "token expired")));
                        return;
                    }
                    if (refuseCode != 0) {
                        send(ex, 200, answer(action, actionId, obj, refuseCode, Map.of("error", "refused")));
                        return;
                    }
                    Map<String, Object> call = new LinkedHashMap<>();
                    call.put("action_id", actionId);
                    params.fields().forEachRemaining(e -> call.put(e.getKey(), e.getValue().asText()));
                    calls.add(call);
                    send(ex, 200, answer(action, actionId, obj, 200, Map.of("call_id", UUID.randomUUID().toString())));
                }
                default -> send(ex, 200, answer(action, actionId, obj, 404, Map.of("error", "unknown action")));
            }
        }
    }

    private static Map<String, Object> answer(String action, String actionId, String obj, int code, Object body) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("action", action);
        m.put("action_id", actionId);
        m.put("obj", obj);
        m.put("code", code);
        m.put("notifies", List.of());
        m.put("body", body);
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
}
