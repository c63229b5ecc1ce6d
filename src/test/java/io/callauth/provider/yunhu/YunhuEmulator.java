package io.callauth.provider.yunhu;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Wire emulator of the Yunhu call center API (yunhu.seed.md plus the vendor's public MakeCall / DoubleCall /
 * GetBill descriptions): form POSTs ({@code application/x-www-form-urlencoded} or {@code multipart/form-data}) to
 * one URL, the method in {@code service}; answers in the {@code {"ret","data":{"status","desc","result"|"errors",
 * "reqtime","rsptime"},"msg"}} envelope, {@code "data":[]} when {@code ret} is not 200. Tokens are 32 hex digits;
 * an unknown or cleared token is {@code ret} 600. After {@link #extensionChanged()} the tokens issued before answer
 * error 1010 until a new login. A placed call pushes the account's callbacks (call state, then the CDR) as JSON to
 * {@link #callbacksTo}, shaped as the document's examples, following the {@link Scenario} set for the next calls.
 * <p>
 * Recordings: an answered call's CDR names a {@code recordfilename}; {@code App.Sip_Cdr.GetRecodeFile} (token,
 * filename) answers {@code result.downurl} and {@code result.expiredtime} as the document shows; the link is a GET
 * on this server carrying a signature, answering the fixture mp3 ({@code audio/mpeg}) for a known file and a plain
 * 404 otherwise (an expired or unknown recording; the document does not say how the download server answers).
 */
public final class YunhuEmulator implements AutoCloseable {

    /** what happens to the next placed calls */
    public enum Scenario {
        /** the extension rings, the mobile rings (isbleg true), we hang up: CDR without answertime, cause 10002 */
        RINGS,
        /** the user answers: CDR with answertime, cause 10001 */
        ANSWERED,
        /** the extension rings, the user is busy: CDR without answertime, cause 10006 */
        BUSY,
        /** the destination is unreachable: CDR cause 10009 */
        UNREACHABLE,
        /** no callback at all */
        SILENT
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final HttpServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String appid;
    private final String accesskey;
    private final Set<String> extensions;
    private final Set<String> numbers;
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    private final Set<String> staleExtensionTokens = ConcurrentHashMap.newKeySet();
    private final List<Map<String, String>> calls = new CopyOnWriteArrayList<>();
    private final List<Map<String, Object>> bills = new CopyOnWriteArrayList<>();
    private final List<Map<String, Object>> callbacks = new CopyOnWriteArrayList<>();
    private final AtomicInteger logins = new AtomicInteger();
    private final AtomicInteger logouts = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final Map<String, byte[]> recordings = new ConcurrentHashMap<>();
    private final AtomicInteger downloads = new AtomicInteger();
    private final String downloadSign = UUID.randomUUID().toString().replace("-", "");
    private volatile String callbackBase;
    private volatile Scenario scenario = Scenario.RINGS;
    private volatile boolean numericDirection;
    private volatile boolean repeatCallbacks;
    private volatile boolean rejectAllTokens;
    private volatile boolean callbacksBeforeAnswer;
    private volatile int httpFailure;
    private volatile int failRet;
    private volatile String refuseCode;

    private YunhuEmulator(String appid, String accesskey, Set<String> extensions, Set<String> numbers) throws IOException {
        this.appid = appid;
        this.accesskey = accesskey;
        this.extensions = extensions;
        this.numbers = numbers;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    /** an account with these credentials, SIP extensions and caller IDs */
    public static YunhuEmulator start(String appid, String accesskey, Set<String> extensions, Set<String> numbers) {
        try {
            return new YunhuEmulator(appid, accesskey, extensions, numbers);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** the account's callback base: state callbacks go to {@code base/status}, call records to {@code base/cdr} */
    public YunhuEmulator callbacksTo(String base) {
        callbackBase = base;
        return this;
    }

    public YunhuEmulator scenario(Scenario s) {
        scenario = s;
        return this;
    }

    /** {@code direction} as the documented 2 instead of the examples' "callout" */
    public YunhuEmulator numericDirection(boolean on) {
        numericDirection = on;
        return this;
    }

    /** every callback is pushed twice, as an at-least-once sender does */
    public YunhuEmulator repeatCallbacks(boolean on) {
        repeatCallbacks = on;
        return this;
    }

    /** callbacks are pushed before MakeCall is answered: the fastest a real account can be */
    public YunhuEmulator callbacksBeforeAnswer(boolean on) {
        callbacksBeforeAnswer = on;
        return this;
    }

    /** every token is answered ret 600, new ones too */
    public YunhuEmulator rejectAllTokens(boolean on) {
        rejectAllTokens = on;
        return this;
    }

    public YunhuEmulator failWithHttp(int status) {
        httpFailure = status;
        return this;
    }

    /** every call method answers this {@code ret} (400, 500, 601..604) */
    public YunhuEmulator failWithRet(int ret) {
        failRet = ret;
        return this;
    }

    /** call methods answer ret 200, status 1 with this {@code errors.code} */
    public YunhuEmulator refuseCalls(String code) {
        refuseCode = code;
        return this;
    }

    /** the tokens issued until now expire (12 h passed, or cleared by the platform) */
    public void expireTokens() {
        tokens.clear();
    }

    /** an extension was added or changed: tokens issued until now answer error 1010 */
    public void extensionChanged() {
        staleExtensionTokens.addAll(tokens);
    }

    public int logins() {
        return logins.get();
    }

    public int logouts() {
        return logouts.get();
    }

    public int requests() {
        return requests.get();
    }

    /** the form fields of every accepted MakeCall / DoubleCall */
    public List<Map<String, String>> calls() {
        return List.copyOf(calls);
    }

    public Map<String, String> lastCall() {
        return calls.get(calls.size() - 1);
    }

    /** every callback pushed: {@code kind}, {@code body} and the {@code status} it was answered with */
    public List<Map<String, Object>> callbacks() {
        return List.copyOf(callbacks);
    }

    /** a recording the account keeps under this file name (the CDR's {@code recordfilename}) */
    public YunhuEmulator addRecording(String fileName, byte[] mp3) {
        recordings.put(fileName, mp3);
        return this;
    }

    /** how many recordings were downloaded */
    public int downloads() {
        return downloads.get();
    }

    /** the signature every download link carries: it must never reach callauth's clients */
    public String downloadSign() {
        return downloadSign;
    }

    /** the tokens the emulator issued and still honours: none may reach callauth's clients */
    public Set<String> tokens() {
        return Set.copyOf(tokens);
    }

    public void reset() {
        recordings.clear();
        downloads.set(0);
        tokens.clear();
        staleExtensionTokens.clear();
        calls.clear();
        bills.clear();
        callbacks.clear();
        logins.set(0);
        logouts.set(0);
        requests.set(0);
        scenario = Scenario.RINGS;
        numericDirection = false;
        repeatCallbacks = false;
        rejectAllTokens = false;
        callbacksBeforeAnswer = false;
        httpFailure = 0;
        failRet = 0;
        refuseCode = null;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ------------------------------------------------------------------ wire

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            requests.incrementAndGet();
            if (httpFailure != 0) {
                sendRaw(ex, httpFailure, "<html><body>" + httpFailure + "</body></html>", "text/html");
                return;
            }
            if ("GET".equals(ex.getRequestMethod()) && ex.getRequestURI().getPath().startsWith("/record/")) {
                download(ex);
                return;
            }
            if (!"POST".equals(ex.getRequestMethod())) {
                send(ex, error(400, "Illegal request: invalid parameter"));
                return;
            }
            Map<String, String> form = form(ex);
            String service = form.getOrDefault("service", "").trim();
            switch (service) {
                case "App.Sip_Auth.Login" -> login(ex, form);
                case "App.Sip_Auth.Logout" -> {
                    String t = form.getOrDefault("token", "");
                    if (!tokens.remove(t)) {
                        send(ex, error(600, "The token is invalid, please log in again to verify"));
                        return;
                    }
                    staleExtensionTokens.remove(t);
                    logouts.incrementAndGet();
                    send(ex, ok("logout successful", null));
                }
                case "App.Sip_Call.MakeCall", "App.Sip_Call.DoubleCall" -> call(ex, service, form);
                case "App.Sip_Cdr.GetRecodeFile" -> {
                    if (!tokenOk(ex, form)) {
                        return;
                    }
                    String file = form.getOrDefault("filename", "");
                    if (file.isEmpty()) {
                        send(ex, error(400, "Illegal request: invalid parameter"));
                        return;
                    }
                    send(ex, ok("get success", Map.of("downurl", url() + "/record/"
                                    + java.net.URLEncoder.encode(file, StandardCharsets.UTF_8) + "?sign=" + downloadSign,
                            "expiredtime", "Expiration time:" + LocalDateTime.now().plusHours(1).format(TIME))));
                }
                case "App.Sip_Cdr.GetBill" -> {
                    if (!tokenOk(ex, form)) {
                        return;
                    }
                    int page = parseInt(form.get("currentpage"), 1);
                    int per = parseInt(form.get("itemsperpage"), 20);
                    List<Map<String, Object>> all = List.copyOf(bills);
                    List<Map<String, Object>> rows = all.subList(Math.min(all.size(), (page - 1) * per),
                            Math.min(all.size(), page * per));
                    Map<String, Object> result = new LinkedHashMap<>();
                    result.put("total", all.size());
                    result.put("currentpage", page);
                    result.put("itemsperpage", per);
                    result.put("list", rows);
                    send(ex, ok("get success", result));
                }
                default -> send(ex, error(400, "Illegal request: invalid parameter"));
            }
        }
    }

    /** the download link of GetRecodeFile: the file's bytes with the signature, 404 without or for an unknown file */
    private void download(HttpExchange ex) throws IOException {
        String file = URLDecoder.decode(ex.getRequestURI().getRawPath().substring("/record/".length()),
                StandardCharsets.UTF_8);
        String query = ex.getRequestURI().getRawQuery();
        byte[] mp3 = recordings.get(file);
        if (mp3 == null || query == null || !query.equals("sign=" + downloadSign)) {
            sendRaw(ex, 404, "<html><body>404 Not Found</body></html>", "text/html");
            return;
        }
        downloads.incrementAndGet();
        ex.getResponseHeaders().set("Content-Type", "audio/mpeg");
        ex.sendResponseHeaders(200, mp3.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(mp3);
        }
    }

    private void login(HttpExchange ex, Map<String, String> form) throws IOException {
        if (!appid.equals(form.get("appid"))) {
            send(ex, error(601, "appid is not authorized"));
            return;
        }
        if (!accesskey.equals(form.get("accesskey"))) {
            send(ex, failure("Authorization failed", "1003", "Authorization failed"));
            return;
        }
        logins.incrementAndGet();
        String token = UUID.randomUUID().toString().replace("-", "");
        tokens.add(token);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("companycode", "1");
        result.put("companyname", "test");
        result.put("token", token);
        result.put("authtime", LocalDateTime.now().format(TIME));
        result.put("authmodel", "");
        send(ex, ok("Authorization successful", result));
    }

    private boolean tokenOk(HttpExchange ex, Map<String, String> form) throws IOException {
        String t = form.getOrDefault("token", "");
        if (rejectAllTokens || !tokens.contains(t)) {
            send(ex, error(600, "The token is invalid, please log in again to verify"));
            return false;
        }
        if (failRet != 0) {
            send(ex, error(failRet, switch (failRet) {
                case 400 -> "Illegal request: invalid parameter";
                case 601 -> "appid is not authorized";
                case 602 -> "appid authorization has expired";
                case 603 -> "Module not licensed";
                case 604 -> "IP is not authorized";
                default -> "Server Error";
            }));
            return false;
        }
        return true;
    }

    private void call(HttpExchange ex, String service, Map<String, String> form) throws IOException {
        if (!tokenOk(ex, form)) {
            return;
        }
        if (staleExtensionTokens.contains(form.get("token"))) {
            send(ex, failure("fail", "1010", "Extension exception"));
            return;
        }
        boolean doubleCall = service.endsWith("DoubleCall");
        String ext = form.getOrDefault("extnumber", "");
        String dest = form.getOrDefault(doubleCall ? "anumber" : "destnumber", "");
        if (ext.isEmpty() || !dest.matches("[0-9]{5,20}") || (doubleCall && form.getOrDefault("bnumber", "").isEmpty())) {
            send(ex, error(400, "Illegal request: invalid parameter"));
            return;
        }
        if (!extensions.contains(ext)) {
            send(ex, failure("fail", "1012", "extension does not exist"));
            return;
        }
        String dis = form.getOrDefault("disnumber", "");
        if (!dis.isEmpty() && !numbers.contains(dis)) {
            send(ex, failure("fail", "1021", "illegal number"));
            return;
        }
        if (refuseCode != null) {
            send(ex, failure("fail", refuseCode, "refused"));
            return;
        }
        Map<String, String> call = new LinkedHashMap<>(form);
        call.remove("token");
        calls.add(call);
        Scenario s = scenario;
        String customuuid = form.getOrDefault("customuuid", "");
        if (callbacksBeforeAnswer) {
            push(doubleCall, ext, dest, dis, customuuid, s);
            send(ex, ok("call success", null));
        } else {
            send(ex, ok("call success", null));
            Thread.ofVirtual().start(() -> push(doubleCall, ext, dest, dis, customuuid, s));
        }
    }

    /** the account's callbacks for one call, as the document's examples show them */
    private void push(boolean doubleCall, String ext, String dest, String dis, String customuuid, Scenario s) {
        String base = callbackBase;
        if (base == null || s == Scenario.SILENT) {
            return;
        }
        String uuid = UUID.randomUUID().toString();
        String start = Long.toString(System.currentTimeMillis() / 1000);
        Object direction = numericDirection ? "2" : "callout";
        Map<String, Object> extRing = state(uuid, dest, ext, customuuid, direction, dis, ext, !doubleCall ? "false" : "true",
                doubleCall ? "4" : "3", start);
        Map<String, Object> mobileRing = state(uuid, dest, ext, customuuid, direction, dis, ext, !doubleCall ? "true" : "false",
                doubleCall ? "4" : "3", start);
        if (s != Scenario.UNREACHABLE) {
            post("status", extRing);
        }
        if (s == Scenario.RINGS || s == Scenario.ANSWERED) {
            post("status", mobileRing);
        }
        LocalDateTime now = LocalDateTime.now();
        Map<String, Object> cdr = new LinkedHashMap<>();
        cdr.put("callmethod", doubleCall ? 4 : 3);
        cdr.put("starttime", now.minusSeconds(14).format(TIME));
        cdr.put("answertime", s == Scenario.ANSWERED ? now.minusSeconds(4).format(TIME) : "");
        cdr.put("endtime", now.format(TIME));
        cdr.put("duration", 14);
        cdr.put("billsec", s == Scenario.ANSWERED ? 4 : 0);
        cdr.put("crmid", "2001");
        cdr.put("hangupdirection", 10040);
        cdr.put("chengshudu", "0");
        cdr.put("hangupcause", switch (s) {
            case RINGS -> 10002;
            case ANSWERED -> 10001;
            case BUSY -> 10006;
            default -> 10009;
        });
        cdr.put("memberid", "");
        cdr.put("disnumber", dis);
        cdr.put("destnumber", dest);
        cdr.put("downloadip", "127.0.0.1");
        cdr.put("recordfilename", s == Scenario.ANSWERED ? uuid + ".mp3" : "");
        if (s == Scenario.ANSWERED) {
            recordings.put(uuid + ".mp3", io.callauth.provider.Mp3Fixture.bytes());
        }
        cdr.put("companycode", "1");
        cdr.put("type", numericDirection ? "2" : "callout");
        cdr.put("id", bills.size() + 1);
        cdr.put("extnumber", ext);
        cdr.put("uuid", uuid);
        cdr.put("userkey", 1);
        cdr.put("customuuid", customuuid);
        bills.add(cdr);
        post("cdr", cdr);
    }

    private static Map<String, Object> state(String uuid, String callee, String caller, String customuuid, Object direction,
                                             String dis, String ext, String isbleg, String method, String start) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("buuid", UUID.randomUUID().toString());
        m.put("callee", callee);
        m.put("caller", caller);
        m.put("companycode", "1");
        m.put("customuuid", customuuid);
        m.put("direction", direction);
        m.put("disnumber", dis);
        m.put("extnumber", ext);
        m.put("isbleg", isbleg);
        m.put("method", method);
        m.put("starttime", start);
        m.put("status", "ring");
        m.put("type", "call");
        m.put("uuid", uuid);
        return m;
    }

    private void post(String kind, Map<String, Object> body) {
        int times = repeatCallbacks ? 2 : 1;
        for (int i = 0; i < times; i++) {
            int status;
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(callbackBase + "/" + kind))
                        .timeout(Duration.ofSeconds(5))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                        HttpResponse.BodyHandlers.ofString());
                status = r.statusCode();
            } catch (Exception e) {
                status = -1;
            }
            Map<String, Object> record = new HashMap<>();
            record.put("kind", kind);
            record.put("body", body);
            record.put("status", status);
            callbacks.add(record);
        }
    }

    // ------------------------------------------------------------------ envelope

    private static Map<String, Object> ok(String desc, Object result) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("status", 0);
        data.put("desc", desc);
        if (result != null) {
            data.put("result", result);
        }
        long now = System.currentTimeMillis() / 1000;
        data.put("reqtime", now);
        data.put("rsptime", now);
        return envelope(200, data, "");
    }

    private static Map<String, Object> failure(String desc, String code, String codemsg) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("status", 1);
        data.put("desc", desc);
        data.put("errors", Map.of("code", code, "codemsg", codemsg));
        long now = System.currentTimeMillis() / 1000;
        data.put("reqtime", now);
        data.put("rsptime", now);
        return envelope(200, data, "");
    }

    private static Map<String, Object> error(int ret, String msg) {
        return envelope(ret, List.of(), msg);
    }

    private static Map<String, Object> envelope(int ret, Object data, String msg) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ret", ret);
        m.put("data", data);
        m.put("msg", msg);
        return m;
    }

    private static void send(HttpExchange ex, Map<String, Object> body) throws IOException {
        sendRaw(ex, 200, JSON.writeValueAsString(body), "application/json; charset=utf-8");
    }

    private static void sendRaw(HttpExchange ex, int status, String body, String type) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?");
    private static final Pattern PART_NAME = Pattern.compile("name=\"([^\"]*)\"");

    /** the form fields of a urlencoded or multipart/form-data body */
    static Map<String, String> form(HttpExchange ex) throws IOException {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> out = new LinkedHashMap<>();
        Matcher b = type == null ? null : BOUNDARY.matcher(type);
        if (type != null && type.startsWith("multipart/form-data") && b.find()) {
            for (String part : body.split("--" + Pattern.quote(b.group(1)))) {
                int split = part.indexOf("\r\n\r\n");
                Matcher n = PART_NAME.matcher(split < 0 ? "" : part.substring(0, split));
                if (n.find()) {
                    out.put(n.group(1), part.substring(split + 4).replaceFirst("\r\n$", ""));
                }
            }
            return out;
        }
        if (body.isEmpty()) {
            return out;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    private static int parseInt(String s, int otherwise) {
        try {
            return Integer.parseInt(s);
        } catch (RuntimeException e) {
            return otherwise;
        }
    }
}
