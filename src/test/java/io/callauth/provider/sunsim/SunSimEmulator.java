package io.callauth.provider.sunsim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wire emulator of SunSim's integration API (sunsim.seed.md) under {@code /api/v1/}: the token trio (a new pair
 * invalidates the previous pair; access 24 h, refresh 25 h on the emulator's own clock), {@code getcalllist},
 * {@code getcallrecordfile}, {@code getrequestresultbyhash} with the documented {@code error}/{@code result}
 * envelope. The call list names a row's numbers in either layout the document allows ({@link #layout}), and finds
 * rows by any of their numbers or by the account's own only ({@link #accountNumsOnly}). {@code POST request/makecall} is NOT documented by SunSim: it stands in for the account's call method
 * with the shape of callauth's configurable default, and adds the call to the call list.
 * <p>
 * Recordings: a row with a {@code callRecordId} has one; {@code getcallrecordfile?recordFileId=} answers its
 * {@code file_NAME} and the fixture mp3 Base64-encoded in {@code fileContent}, as the document shows. An unknown id
 * answers the error envelope (the document gives no error codes; 404 here, as for an unknown request hash).
 */
public final class SunSimEmulator implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final DateTimeFormatter PERIOD = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final DateTimeFormatter EXPIRY = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    private static final ZoneId ZONE = ZoneId.of("Europe/Moscow");

    /**
     * One call: {@code caller} calls {@code called}; {@code direction} 1 outgoing (the caller is the account's number),
     * 2 incoming (the called is). How its numbers are listed is the emulator's {@link Layout}.
     */
    public record Row(Instant callDate, String caller, String called, int direction, int durationSeconds,
                      String recordId) {
    }

    /** how a row names its numbers: the document says only "external number" and "the subscriber's number" */
    public enum Layout {
        /** {@code extNum} the calling number, {@code abonentNum} the number called */
        CALLER_IN_EXT_NUM,
        /** {@code abonentNum} the account's own number (an outgoing call's caller ID), {@code extNum} the other end */
        ACCOUNT_IN_ABONENT_NUM
    }

    private final HttpServer server;
    private final String authorizationToken;
    private final AtomicLong offsetMillis = new AtomicLong();
    private final List<Row> rows = new CopyOnWriteArrayList<>();
    private final SunSimCallListing listing = new SunSimCallListing(ZONE);
    private final List<Map<String, Object>> makeCalls = new CopyOnWriteArrayList<>();
    private final Map<String, JsonNode> results = new ConcurrentHashMap<>();
    private final AtomicInteger creates = new AtomicInteger();
    private final AtomicInteger refreshes = new AtomicInteger();
    private final AtomicInteger callLists = new AtomicInteger();
    private volatile String access;
    private volatile String refresh;
    private volatile long accessExpires;
    private volatile long refreshExpires;
    private volatile int httpFailure;
    private volatile boolean nextAnswered;
    private volatile boolean nextMissing;
    private volatile boolean nextRecorded;
    private final Map<String, byte[]> recordings = new ConcurrentHashMap<>();
    private final AtomicInteger recordFiles = new AtomicInteger();

    private SunSimEmulator(String authorizationToken) throws IOException {
        this.authorizationToken = authorizationToken;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public static SunSimEmulator start(String authorizationToken) {
        try {
            return new SunSimEmulator(authorizationToken);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void advance(Duration d) {
        offsetMillis.addAndGet(d.toMillis());
    }

    public Instant now() {
        return Instant.ofEpochMilli(System.currentTimeMillis() + offsetMillis.get());
    }

    public SunSimEmulator failWithHttp(int status) {
        httpFailure = status;
        return this;
    }

    public SunSimEmulator nextCallAnswered(boolean answered) {
        nextAnswered = answered;
        return this;
    }

    public SunSimEmulator nextCallMissing() {
        nextMissing = true;
        return this;
    }

    /** how rows name their numbers (reset: {@link Layout#CALLER_IN_EXT_NUM}) */
    public SunSimEmulator layout(Layout layout) {
        listing.layout(layout);
        return this;
    }

    /** {@code nums} finds a row by the account's own number only, not by the other party's (reset: by either) */
    public SunSimEmulator accountNumsOnly() {
        listing.accountNumsOnly(true);
        return this;
    }

    public void addCall(Row row) {
        rows.add(row);
        if (row.recordId() != null) {
            recordings.putIfAbsent(row.recordId(), io.callauth.provider.Mp3Fixture.bytes());
        }
    }

    /** the next placed call is recorded: its row has a callRecordId with the fixture mp3 behind it */
    public SunSimEmulator nextCallRecorded() {
        nextRecorded = true;
        return this;
    }

    public int recordFiles() {
        return recordFiles.get();
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    public int creates() {
        return creates.get();
    }

    public int refreshes() {
        return refreshes.get();
    }

    public int callLists() {
        return callLists.get();
    }

    /** the {@code nums} of the last getcalllist */
    public List<String> callListNums() {
        return listing.lastNums();
    }

    public String currentAccessToken() {
        return access;
    }

    public List<Map<String, Object>> makeCalls() {
        return List.copyOf(makeCalls);
    }

    public void reset() {
        offsetMillis.set(0);
        rows.clear();
        listing.reset();
        recordings.clear();
        recordFiles.set(0);
        nextRecorded = false;
        makeCalls.clear();
        results.clear();
        creates.set(0);
        refreshes.set(0);
        callLists.set(0);
        access = null;
        refresh = null;
        httpFailure = 0;
        nextAnswered = false;
        nextMissing = false;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (httpFailure != 0) {
                send(ex, httpFailure, error(httpFailure, "internal error"));
                return;
            }
            String path = ex.getRequestURI().getPath().replaceAll("/+$", "");
            String bearer = bearer(ex);
            long now = now().toEpochMilli();
            switch (ex.getRequestMethod() + " " + path) {
                case "GET /api/v1/auth/integrationapi/create" -> {
                    if (!authorizationToken.equals(bearer)) {
                        send(ex, 401, error(401, "invalid authorization token"));
                        return;
                    }
                    creates.incrementAndGet();
                    send(ex, 200, newPair(now));
                }
                case "GET /api/v1/auth/integrationapi/refresh" -> {
                    if (bearer == null || !bearer.equals(refresh) || now >= refreshExpires) {
                        send(ex, 401, error(401, "invalid refresh token"));
                        return;
                    }
                    refreshes.incrementAndGet();
                    send(ex, 200, newPair(now));
                }
                case "POST /api/v1/request/getcalllist" -> {
                    if (!accessOk(bearer, now)) {
                        send(ex, 401, error(401, "invalid access token"));
                        return;
                    }
                    callLists.incrementAndGet();
                    callList(ex, JSON.readTree(ex.getRequestBody()), now);
                }
                case "GET /api/v1/request/getcallrecordfile" -> {
                    if (!accessOk(bearer, now)) {
                        send(ex, 401, error(401, "invalid access token"));
                        return;
                    }
                    String id = query(ex).getOrDefault("recordFileId", "");
                    byte[] mp3 = recordings.get(id);
                    if (mp3 == null) {
                        send(ex, 200, error(404, "record file not found"));
                        return;
                    }
                    recordFiles.incrementAndGet();
                    Map<String, Object> r = result("getcallrecordfile", now);
                    r.put("file_NAME", id + ".mp3");
                    r.put("fileContent", Base64.getEncoder().encodeToString(mp3));
                    send(ex, 200, ok(r));
                }
                case "GET /api/v1/request/getrequestresultbyhash" -> {
                    if (!accessOk(bearer, now)) {
                        send(ex, 401, error(401, "invalid access token"));
                        return;
                    }
                    JsonNode stored = results.get(query(ex).getOrDefault("requestHash", ""));
                    if (stored == null) {
                        send(ex, 200, error(404, "request not found"));
                        return;
                    }
                    send(ex, 200, stored);
                }
                case "POST /api/v1/request/makecall" -> {
                    // ASSUMPTION: SunSim documents no call method; this is callauth's configurable default
                    if (!accessOk(bearer, now)) {
                        send(ex, 401, error(401, "invalid access token"));
                        return;
                    }
                    JsonNode body = JSON.readTree(ex.getRequestBody());
                    Map<String, Object> call = new LinkedHashMap<>();
                    body.fields().forEachRemaining(e -> call.put(e.getKey(), e.getValue().asText()));
                    makeCalls.add(call);
                    if (!nextMissing) {
                        addCall(new Row(now(), body.path("extNum").asText(), body.path("abonentNum").asText(), 1,
                                nextAnswered ? 12 : 0, nextRecorded ? UUID.randomUUID().toString() : null));
                    }
                    nextMissing = false;
                    nextRecorded = false;
                    nextAnswered = false;
                    send(ex, 200, ok(result("makecall", now)));
                }
                default -> send(ex, 404, error(404, "not found"));
            }
        }
    }

    private void callList(HttpExchange ex, JsonNode q, long now) throws IOException {
        LocalDateTime start;
        LocalDateTime end;
        try {
            start = LocalDateTime.parse(q.path("periodStart").asText().trim(), PERIOD);
            end = LocalDateTime.parse(q.path("periodEnd").asText().trim(), PERIOD);
        } catch (RuntimeException e) {
            send(ex, 200, error(400, "periodStart/periodEnd must be yyyy-mm-dd hh:mm:ss"));
            return;
        }
        if (start.plusMonths(1).isBefore(end)) {
            send(ex, 200, error(400, "search depth is limited to one month"));
            return;
        }
        List<Map<String, Object>> rowset = listing.rowset(rows, q, start, end);
        Map<String, Object> result = result("getcalllist", now);
        result.put("rowset", rowset);
        Map<String, Object> answer = ok(result);
        results.put(result.get("requestHash").toString(), JSON.valueToTree(answer));
        send(ex, 200, answer);
    }

    private synchronized Map<String, Object> newPair(long now) {
        access = "acc-" + UUID.randomUUID();
        refresh = "ref-" + UUID.randomUUID();
        accessExpires = now + Duration.ofHours(24).toMillis();
        refreshExpires = now + Duration.ofHours(25).toMillis();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accessToken", access);
        m.put("accessTokenExpiredIn", EXPIRY.format(LocalDateTime.ofEpochSecond(accessExpires / 1000, 0, ZoneOffset.UTC)));
        m.put("refreshToken", refresh);
        m.put("refreshTokenExpiredIn", EXPIRY.format(LocalDateTime.ofEpochSecond(refreshExpires / 1000, 0, ZoneOffset.UTC)));
        return m;
    }

    private boolean accessOk(String bearer, long now) {
        return bearer != null && bearer.equals(access) && now < accessExpires;
    }

    private Map<String, Object> result(String api, long now) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("apiName", api);
        r.put("apiVersion", 1);
        r.put("callTime", PERIOD.format(LocalDateTime.ofInstant(Instant.ofEpochMilli(now), ZONE)));
        r.put("responseDuration", "0.010");
        r.put("code", 0);
        r.put("requestHash", Base64.getEncoder().encodeToString(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8)));
        return r;
    }

    private static Map<String, Object> ok(Map<String, Object> result) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("errorMessage", null);
        e.put("errorCode", 0);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", e);
        m.put("result", result);
        return m;
    }

    private static Map<String, Object> error(int code, String message) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("errorMessage", message);
        e.put("errorCode", code);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", e);
        m.put("result", null);
        return m;
    }

    private static String bearer(HttpExchange ex) {
        String h = ex.getRequestHeaders().getFirst("Authorization");
        return h != null && h.startsWith("Bearer ") ? h.substring(7) : null;
    }

    private static Map<String, String> query(HttpExchange ex) {
        Map<String, String> m = new LinkedHashMap<>();
        String q = ex.getRequestURI().getRawQuery();
        if (q != null) {
            for (String p : q.split("&")) {
                int i = p.indexOf('=');
                if (i > 0) {
                    m.put(URLDecoder.decode(p.substring(0, i), StandardCharsets.UTF_8),
                            URLDecoder.decode(p.substring(i + 1), StandardCharsets.UTF_8));
                }
            }
        }
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
