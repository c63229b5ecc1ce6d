package io.callauth.provider.callpass;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test-side wire emulator of the CallPass flash-call API, as /work/shared/providers/callpass.seed.md and the CallPass
 * section of the providers README describe it. JDK {@code HttpServer} + Jackson only.
 *
 * <p>Wire rules, in the order they are checked:
 * <ol>
 *   <li>path: {@code /api/v1.0/start-call-password}, {@code /api/v2.0/start-call-password},
 *       {@code /api/v3.0/start-call-password}, {@code /api/v2.0/get-call-password-status},
 *       {@code /api/v3.0/get-call-password-status}, each with or without one trailing slash; anything else is
 *       HTTP 404 {@code {"status":"error","message":"method not found"}};</li>
 *   <li>method: POST only, else HTTP 405 (with {@code Allow: POST});</li>
 *   <li>{@link #failWithHttp(int) scripted HTTP failure} (start-call-password only);</li>
 *   <li>{@code Authorization: Bearer <token>} exactly equal to the configured token, else HTTP 401
 *       {@code {"status":"error","message":"unauthorized"}} (the token length is not validated);</li>
 *   <li>{@code Content-Length} present (a chunked body is HTTP 411), {@code Content-Type}
 *       {@code application/x-www-form-urlencoded} (a {@code charset} parameter, if any, must be UTF-8) and a body
 *       that is valid UTF-8, else HTTP 400;</li>
 *   <li>method parameters, else HTTP 400 {@code {"status":"error","message":"invalid parameter <name>"}}.</li>
 * </ol>
 * Method-level errors are HTTP 200 {@code {"data":{"message":"...","result":"error"},"status":"success"}}. A call in
 * progress reports {@code "result":"null"} &mdash; the string, not JSON null.
 *
 * <p>Scripted behaviour ({@code refuseCalls}, {@code finalResult}, {@code pollsBeforeFinal}, {@code neverFinish},
 * {@code syncRingDuration}, {@code v2CodeField}) is sticky until {@link #reset()} and is captured by each
 * start-call-password request when it arrives: changing it later does not change calls already placed.
 * {@link #delayResponses(Duration)} delays every HTTP response (start and status alike).
 */
public final class CallPassEmulator implements AutoCloseable {

    /** One accepted start-call-password request. {@code version} is "v1", "v2" or "v3". */
    public record Call(String version, String dn, int timeout, boolean async, String callid, String digits /* pin or phone as sent */, Instant at) {
        /** The last {@code length} digits of what was sent: {@code code(4)} is the 4-digit code, for v3 too. */
        public String code(int length) {
            if (length < 1 || length > digits.length()) {
                throw new IllegalArgumentException("code length must be 1.." + digits.length() + ", not " + length);
            }
            return digits.substring(digits.length() - length);
        }
    }

    public static final String DEFAULT_FINAL_RESULT = "NO_ANSWER";
    public static final int DEFAULT_POLLS_BEFORE_FINAL = 1;

    private static final Pattern METHOD_PATH =
            Pattern.compile("/api/v([123])\\.0/(start-call-password|get-call-password-status)/?");
    private static final Pattern DN = Pattern.compile("7[0-9]{10,14}");
    private static final Pattern TIMEOUT = Pattern.compile("[0-9]{1,2}");
    private static final int MAX_BODY = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Everything scripted, replaced as a whole so a request sees one consistent snapshot. */
    private record Behaviour(String refusal, int httpFailure, Duration delay, String finalResult, int pollsBeforeFinal,
                             Duration syncRing, String v2CodeField) {
        static final Behaviour DEFAULTS = new Behaviour(null, 0, Duration.ZERO, DEFAULT_FINAL_RESULT,
                DEFAULT_POLLS_BEFORE_FINAL, Duration.ZERO, "phone");
    }

    /** Server-side state of one call; the settings are those in force when it was started. */
    private static final class CallState {
        final Call call;
        final String finalResult;
        final int pollsBeforeFinal;
        /** a synchronous call is "null" until its answer has been sent, and final from then on */
        volatile boolean ringing;

        CallState(Call call, String finalResult, int pollsBeforeFinal, boolean ringing) {
            this.call = call;
            this.finalResult = finalResult;
            this.pollsBeforeFinal = pollsBeforeFinal;
            this.ringing = ringing;
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final String token;
    private final AtomicReference<Behaviour> behaviour = new AtomicReference<>(Behaviour.DEFAULTS);
    private final List<Call> calls = new ArrayList<>(); // guarded by itself
    private final Map<String, CallState> states = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> polls = new ConcurrentHashMap<>();
    private final List<String> authorizations = new ArrayList<>(); // guarded by itself
    private final AtomicInteger requests = new AtomicInteger();
    private volatile boolean recordAuthorizations = true;

    private CallPassEmulator(String token, int port) throws IOException {
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("token must not be empty");
        }
        this.token = token;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts on 127.0.0.1 and a free port. */
    public static CallPassEmulator start(String token) {
        return start(token, 0);
    }

    /** Starts on 127.0.0.1:{@code port} (0: a free port). */
    public static CallPassEmulator start(String token, int port) {
        try {
            return new CallPassEmulator(token, port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the CallPass emulator on port " + port, e);
        }
    }

    /** {@code http://127.0.0.1:<port>}, no trailing slash. */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    // ------------------------------------------------------------------------------------------------ behaviour

    /**
     * Subsequent valid start-call-password requests answer HTTP 200
     * {@code {"data":{"message":<message>,"result":"error"},"status":"success"}} and place no call
     * (e.g. "destination not allowed", "balance is lower than limit for that call"). {@code null} stops refusing.
     */
    public CallPassEmulator refuseCalls(String message) {
        return update(b -> new Behaviour(message, b.httpFailure, b.delay, b.finalResult, b.pollsBeforeFinal, b.syncRing,
                b.v2CodeField));
    }

    /**
     * Subsequent start-call-password requests answer HTTP {@code status} with
     * {@code {"status":"error","message":"..."}}, whatever the token and parameters. 0 stops failing.
     */
    public CallPassEmulator failWithHttp(int status) {
        if (status != 0 && (status < 200 || status > 599)) {
            throw new IllegalArgumentException("HTTP status must be 200..599 (or 0 to stop failing), not " + status);
        }
        return update(b -> new Behaviour(b.refusal, status, b.delay, b.finalResult, b.pollsBeforeFinal, b.syncRing,
                b.v2CodeField));
    }

    /** Every subsequent HTTP request (start and status) is answered only after {@code d}. */
    public CallPassEmulator delayResponses(Duration d) {
        requireNonNegative(d);
        return update(b -> new Behaviour(b.refusal, b.httpFailure, d, b.finalResult, b.pollsBeforeFinal, b.syncRing,
                b.v2CodeField));
    }

    /** Final status of subsequently started calls (any string; documented: NORMAL_CLEARING, USER_BUSY, NO_ANSWER). */
    public CallPassEmulator finalResult(String result) {
        Objects.requireNonNull(result, "result");
        return update(b -> new Behaviour(b.refusal, b.httpFailure, b.delay, result, b.pollsBeforeFinal, b.syncRing,
                b.v2CodeField));
    }

    /** get-call-password-status answers "null" for the first {@code n} polls of a subsequently started async call. */
    public CallPassEmulator pollsBeforeFinal(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("polls before final must be >= 0, not " + n);
        }
        return update(b -> new Behaviour(b.refusal, b.httpFailure, b.delay, b.finalResult, n, b.syncRing, b.v2CodeField));
    }

    /** Subsequently started async calls stay "null" forever (same as {@code pollsBeforeFinal(Integer.MAX_VALUE)}). */
    public CallPassEmulator neverFinish() {
        return pollsBeforeFinal(Integer.MAX_VALUE);
    }

    /** How long a synchronous start (v1, or async=0) rings before answering; capped at the request's timeout. */
    public CallPassEmulator syncRingDuration(Duration d) {
        requireNonNegative(d);
        return update(b -> new Behaviour(b.refusal, b.httpFailure, b.delay, b.finalResult, b.pollsBeforeFinal, d,
                b.v2CodeField));
    }

    /** Name of the v2 field carrying the 4 code digits: "phone" (default) or "pin". */
    public CallPassEmulator v2CodeField(String field) {
        if (!"phone".equals(field) && !"pin".equals(field)) {
            throw new IllegalArgumentException("v2 code field must be \"phone\" or \"pin\", not " + field);
        }
        return update(b -> new Behaviour(b.refusal, b.httpFailure, b.delay, b.finalResult, b.pollsBeforeFinal,
                b.syncRing, field));
    }

    /** Delays get-call-password-status answers only (a provider slow to tell, quick to place); sticky until reset. */
    public CallPassEmulator delayStatus(Duration d) {
        statusDelay = d;
        return this;
    }

    private volatile Duration statusDelay = Duration.ZERO;

    /** numbers under {@code dnPrefix} are reached by this share of calls, the others end USER_BUSY */
    private record UnderDelivery(String dnPrefix, double share, AtomicLong calls) {
    }

    private volatile UnderDelivery underDelivery;

    /**
     * Calls to numbers whose dn starts with {@code dnPrefix} (digits, e.g. {@code 79168}) are delivered in this share
     * only, spread evenly (call n is delivered when floor(n·share) grows), the others end {@code USER_BUSY} (not
     * delivered): a carrier that filters CallPass's calls. {@code share} 1 (or a reset) ends it.
     */
    public CallPassEmulator underDeliver(String dnPrefix, double share) {
        underDelivery = share >= 1 ? null : new UnderDelivery(dnPrefix, share, new AtomicLong());
        return this;
    }

    private String finalResultFor(String dn, String scripted) {
        UnderDelivery u = underDelivery;
        if (u == null || dn == null || !dn.startsWith(u.dnPrefix())) {
            return scripted;
        }
        long n = u.calls().incrementAndGet();
        return Math.floor(n * u.share()) > Math.floor((n - 1) * u.share()) ? scripted : "USER_BUSY";
    }
    /** counts {@link #reset()}s: a request that arrived before the last one is dropped after its delay */
    private final AtomicInteger generation = new AtomicInteger();
    private final java.util.concurrent.ConcurrentLinkedQueue<String> nextDigits = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** The 4-digit codes of the next calls placed, in order (random again once used up); forgotten by reset. */
    public CallPassEmulator nextCodes(String... codes) {
        for (String c : codes) {
            if (!c.matches("[0-9]{4}")) {
                throw new IllegalArgumentException("a code is 4 digits, not " + c);
            }
            nextDigits.add(c);
        }
        return this;
    }

    /**
     * Back to the defaults; forgets every call (their callids become unknown), poll count, header and request. A
     * request still in a scripted delay when this runs (its client has usually given up) is dropped unanswered when the
     * delay ends: it neither records a call nor counts a poll, so nothing of an earlier test lands in the next one's
     * {@link #calls()} (CI once saw an earlier test's late start become a later test's {@link #lastCall()}).
     */
    public void reset() {
        generation.incrementAndGet();
        statusDelay = Duration.ZERO;
        underDelivery = null;
        nextDigits.clear();
        behaviour.set(Behaviour.DEFAULTS);
        synchronized (calls) {
            calls.clear();
        }
        states.clear();
        polls.clear();
        synchronized (authorizations) {
            authorizations.clear();
        }
        requests.set(0);
    }

    // ------------------------------------------------------------------------------------------------ observations

    /** Every accepted start-call-password request, in arrival order. */
    public List<Call> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    /** The last accepted start-call-password request to {@code phone} (E.164, "+" optional); none: IllegalStateException. */
    public Call lastCallTo(String phone) {
        String dn = phone.startsWith("+") ? phone.substring(1) : phone;
        synchronized (calls) {
            for (int i = calls.size() - 1; i >= 0; i--) {
                if (calls.get(i).dn().equals(dn)) {
                    return calls.get(i);
                }
            }
        }
        throw new IllegalStateException("no call to " + phone + " has been placed on the CallPass emulator");
    }

    /** The last accepted start-call-password request; IllegalStateException when there is none. */
    public Call lastCall() {
        synchronized (calls) {
            if (calls.isEmpty()) {
                throw new IllegalStateException("no call has been placed on the CallPass emulator");
            }
            return calls.get(calls.size() - 1);
        }
    }

    /** How many authorised, well-formed get-call-password-status requests asked about {@code callid}. */
    public int statusPolls(String callid) {
        AtomicInteger n = polls.get(callid);
        return n == null ? 0 : n.get();
    }

    /** Every HTTP request received, whatever its path, method or outcome. */
    public int requestCount() {
        return requests.get();
    }

    /** Every Authorization header value received, as received, in order. */
    public List<String> authorizationHeaders() {
        synchronized (authorizations) {
            return List.copyOf(authorizations);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow(); // wakes handlers sleeping in a scripted delay
    }

    // ------------------------------------------------------------------------------------------------ wire

    private void handle(HttpExchange ex) {
        try {
            route(ex);
        } catch (IOException e) {
            // the client went away (e.g. its own timeout): nothing to answer
        } catch (RuntimeException e) {
            e.printStackTrace();
            try {
                send(ex, 500, error("emulator failure: " + e));
            } catch (IOException | RuntimeException ignored) {
                // headers already sent or client gone
            }
        } finally {
            ex.close();
        }
    }

    private void route(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        List<String> auth = ex.getRequestHeaders().getOrDefault("Authorization", List.of());
        if (recordAuthorizations && !auth.isEmpty()) {
            synchronized (authorizations) {
                authorizations.addAll(auth);
            }
        }
        int arrivedIn = generation.get();
        Behaviour b = behaviour.get();
        byte[] body = readBody(ex.getRequestBody());
        if (!pause(b.delay) || generation.get() != arrivedIn) {
            return;
        }
        Matcher m = METHOD_PATH.matcher(ex.getRequestURI().getRawPath());
        // v1.0 has no get-call-password-status
        if (!m.matches() || (m.group(1).equals("1") && m.group(2).equals("get-call-password-status"))) {
            send(ex, 404, error("method not found"));
            return;
        }
        String version = "v" + m.group(1);
        boolean start = m.group(2).equals("start-call-password");
        if (!start && !statusDelay.isZero() && (!pause(statusDelay) || generation.get() != arrivedIn)) {
            return;
        }
        if (!"POST".equals(ex.getRequestMethod())) {
            ex.getResponseHeaders().set("Allow", "POST");
            send(ex, 405, error("method not allowed"));
            return;
        }
        if (start && b.httpFailure != 0) {
            send(ex, b.httpFailure, error(reason(b.httpFailure)));
            return;
        }
        if (auth.size() != 1 || !auth.get(0).equals("Bearer " + token)) {
            send(ex, 401, error("unauthorized"));
            return;
        }
        if (body == null) {
            send(ex, 413, error("request body too large"));
            return;
        }
        if (ex.getRequestHeaders().getFirst("Content-Length") == null) {
            send(ex, 411, error("content length required"));
            return;
        }
        if (!isFormUtf8(ex.getRequestHeaders().getFirst("Content-Type"))) {
            send(ex, 400, error("content type must be application/x-www-form-urlencoded; charset=UTF-8"));
            return;
        }
        Map<String, String> form;
        try {
            form = parseForm(body);
        } catch (IllegalArgumentException | CharacterCodingException e) {
            send(ex, 400, error("malformed request body"));
            return;
        }
        if (start) {
            startCall(ex, version, form, b);
        } else {
            status(ex, form);
        }
    }

    private void startCall(HttpExchange ex, String version, Map<String, String> form, Behaviour b) throws IOException {
        String dn = form.get("dn");
        if (dn == null || !DN.matcher(dn).matches()) {
            send(ex, 400, error("invalid parameter dn"));
            return;
        }
        String timeoutParam = form.get("timeout");
        int timeout = timeoutParam != null && TIMEOUT.matcher(timeoutParam).matches() ? Integer.parseInt(timeoutParam) : -1;
        if (timeout < 2 || timeout > 99) {
            send(ex, 400, error("invalid parameter timeout"));
            return;
        }
        boolean async = false;
        if (!version.equals("v1")) { // v1 has no async parameter: ignored, always synchronous
            String a = form.getOrDefault("async", "0");
            if (!a.equals("0") && !a.equals("1")) {
                send(ex, 400, error("invalid parameter async"));
                return;
            }
            async = a.equals("1");
        }
        if (b.refusal != null) {
            send(ex, 200, methodError(b.refusal));
            return;
        }
        String callid = UUID.randomUUID().toString();
        String field = switch (version) {
            case "v1" -> "pin";
            case "v2" -> b.v2CodeField;
            default -> "phone";
        };
        String scripted = nextDigits.poll();
        String digits = scripted != null
                ? randomDigits(version.equals("v3") ? 3 : 0) + scripted : randomDigits(version.equals("v3") ? 7 : 4);
        Call call = new Call(version, dn, timeout, async, callid, digits, Instant.now());
        CallState state = new CallState(call, finalResultFor(dn, b.finalResult), async ? b.pollsBeforeFinal : 0,
                !async);
        states.put(callid, state);
        synchronized (calls) {
            calls.add(call);
        }
        ObjectNode data = JSON.createObjectNode();
        data.put("callid", callid);
        data.put(field, digits);
        if (async) {
            data.put("result", "null");
        } else {
            Duration limit = Duration.ofSeconds(timeout);
            boolean rang = pause(b.syncRing.compareTo(limit) > 0 ? limit : b.syncRing);
            state.ringing = false;
            if (!rang) {
                return;
            }
            data.put("result", b.finalResult);
        }
        send(ex, 200, success(data));
    }

    private void status(HttpExchange ex, Map<String, String> form) throws IOException {
        // the seed writes both callId and callid
        String callid = form.containsKey("callid") ? form.get("callid") : form.get("callId");
        if (callid == null || callid.isEmpty()) {
            send(ex, 400, error("invalid parameter callid"));
            return;
        }
        int seen = polls.computeIfAbsent(callid, k -> new AtomicInteger()).incrementAndGet();
        CallState state = states.get(callid);
        if (state == null) {
            send(ex, 200, methodError("can't find callid"));
            return;
        }
        ObjectNode data = JSON.createObjectNode();
        data.put("callid", callid);
        data.put("result", state.ringing || seen <= state.pollsBeforeFinal ? "null" : state.finalResult);
        send(ex, 200, success(data));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private CallPassEmulator update(UnaryOperator<Behaviour> change) {
        behaviour.updateAndGet(change);
        return this;
    }

    private static void requireNonNegative(Duration d) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException("duration must be >= 0, not " + d);
        }
    }

    private static ObjectNode success(ObjectNode data) {
        ObjectNode n = JSON.createObjectNode();
        n.set("data", data);
        n.put("status", "success");
        return n;
    }

    private static ObjectNode methodError(String message) {
        ObjectNode data = JSON.createObjectNode();
        data.put("message", message);
        data.put("result", "error");
        return success(data);
    }

    private static ObjectNode error(String message) {
        ObjectNode n = JSON.createObjectNode();
        n.put("status", "error");
        n.put("message", message);
        return n;
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "bad request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "method not found";
            case 429 -> "too many requests";
            case 500 -> "internal server error";
            case 502 -> "bad gateway";
            case 503 -> "service unavailable";
            case 504 -> "gateway timeout";
            default -> "error";
        };
    }

    private static void send(HttpExchange ex, int status, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        if ("HEAD".equals(ex.getRequestMethod())) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The whole body, or null when it is larger than {@link #MAX_BODY}. */
    private static byte[] readBody(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) {
            in.transferTo(OutputStream.nullOutputStream());
            return null;
        }
        return bytes;
    }

    private static boolean isFormUtf8(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].trim().equalsIgnoreCase("application/x-www-form-urlencoded")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase("charset")) {
                String cs = p.substring(eq + 1).trim().replace("\"", "").toLowerCase(Locale.ROOT);
                if (!cs.equals("utf-8") && !cs.equals("utf8")) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Strict UTF-8 form decoding; the first occurrence of a parameter wins. */
    private static Map<String, String> parseForm(byte[] body) throws CharacterCodingException {
        String text = strictUtf8(body);
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = percentDecode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : percentDecode(pair.substring(eq + 1));
            form.putIfAbsent(key, value);
        }
        return form;
    }

    /** application/x-www-form-urlencoded decoding of one name or value: '+' is a space, %XX a byte. */
    private static String percentDecode(String s) throws CharacterCodingException {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw new IllegalArgumentException("truncated escape");
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("bad escape");
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
                    b = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.writeBytes(b);
            }
        }
        return strictUtf8(bytes.toByteArray());
    }

    private static String strictUtf8(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes)).toString();
    }

    private static String randomDigits(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append((char) ('0' + RANDOM.nextInt(10)));
        }
        return sb.toString();
    }

    /** Sleeps {@code d}; false when interrupted (the emulator is closing). */
    private static boolean pause(Duration d) {
        if (d.isZero()) {
            return true;
        }
        try {
            Thread.sleep(d);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Benchmark use forgets calls older than {@code retention} so memory stays flat. */
    private void forgetOlderThan(Duration retention) {
        Instant cutoff = Instant.now().minus(retention);
        synchronized (calls) {
            calls.removeIf(c -> c.at().isBefore(cutoff));
        }
        states.values().removeIf(s -> s.call.at().isBefore(cutoff));
        polls.keySet().removeIf(id -> !states.containsKey(id));
    }

    // ------------------------------------------------------------------------------------------------ benchmark

    /** {@code --port N --token T [--polls-before-final N]}; runs until killed. */
    public static void main(String[] args) throws InterruptedException {
        int port = 0;
        String token = null;
        int pollsBeforeFinal = DEFAULT_POLLS_BEFORE_FINAL;
        try {
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--port" -> port = Integer.parseInt(Objects.requireNonNull(value, "--port needs a value"));
                    case "--token" -> token = Objects.requireNonNull(value, "--token needs a value");
                    case "--polls-before-final" ->
                            pollsBeforeFinal = Integer.parseInt(Objects.requireNonNull(value, "--polls-before-final needs a value"));
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
                i++;
            }
            if (token == null) {
                throw new IllegalArgumentException("--token is required");
            }
        } catch (RuntimeException e) {
            System.err.println(e.getMessage());
            System.err.println("usage: CallPassEmulator --port N --token T [--polls-before-final N]");
            System.exit(2);
            return;
        }
        CallPassEmulator emulator = start(token, port).pollsBeforeFinal(pollsBeforeFinal);
        emulator.recordAuthorizations = false;
        System.out.println("CallPass emulator on " + emulator.url());
        System.out.flush();
        while (true) {
            Thread.sleep(30_000);
            emulator.forgetOlderThan(Duration.ofMinutes(10));
        }
    }
}
