package io.callauth.provider.callpass;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CallPass wire emulator over real HTTP, against callpass.seed.md. */
class CallPassEmulatorTest {

    static final String TOKEN = "0123456789abcdef0123456789abcdef";
    static final String START_V1 = "/api/v1.0/start-call-password/";
    static final String START_V2 = "/api/v2.0/start-call-password/";
    static final String START_V3 = "/api/v3.0/start-call-password/";
    static final String STATUS_V2 = "/api/v2.0/get-call-password-status/";
    static final String STATUS_V3 = "/api/v3.0/get-call-password-status/";
    static final String FORM = "application/x-www-form-urlencoded";

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static CallPassEmulator emulator;

    @BeforeAll
    static void startEmulator() {
        emulator = CallPassEmulator.start(TOKEN);
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    @BeforeEach
    void reset() {
        emulator.reset();
    }

    // ------------------------------------------------------------------------------------------------ start

    @Test
    void urlAndPort() {
        assertEquals("http://127.0.0.1:" + emulator.port(), emulator.url());
        assertTrue(emulator.port() > 0);
    }

    @Test
    void v1IsSynchronousWithPinAndTheFinalResult() throws Exception {
        HttpResponse<String> r = post(START_V1, "dn=79161234567&timeout=5");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode body = json(r);
        assertEquals("success", body.get("status").asText());
        JsonNode data = body.get("data");
        assertEquals(List.of("callid", "pin", "result"), fields(data));
        assertEquals("NO_ANSWER", data.get("result").asText());
        assertTrue(data.get("pin").isTextual());
        assertTrue(data.get("pin").asText().matches("[0-9]{4}"), data.toString());
        UUID.fromString(data.get("callid").asText());

        CallPassEmulator.Call call = emulator.lastCall();
        assertEquals("v1", call.version());
        assertEquals("79161234567", call.dn());
        assertEquals(5, call.timeout());
        assertFalse(call.async());
        assertEquals(data.get("callid").asText(), call.callid());
        assertEquals(data.get("pin").asText(), call.digits());
        assertEquals(call.digits(), call.code(4));
        // the raw wire: data first, then status, compact
        assertEquals("{\"data\":{\"callid\":\"" + call.callid() + "\",\"pin\":\"" + call.digits()
                + "\",\"result\":\"NO_ANSWER\"},\"status\":\"success\"}", r.body());
    }

    @Test
    void v1IgnoresAsyncAndStaysSynchronous() throws Exception {
        emulator.finalResult("USER_BUSY");
        JsonNode data = json(post(START_V1, "dn=79161234567&timeout=5&async=1")).get("data");
        assertEquals("USER_BUSY", data.get("result").asText());
        assertFalse(emulator.lastCall().async());
        // not even validated on v1
        assertEquals(200, post(START_V1, "dn=79161234567&timeout=5&async=7").statusCode());
    }

    @Test
    void v1WaitsTheRingDuration() throws Exception {
        emulator.syncRingDuration(Duration.ofMillis(400)).finalResult("NORMAL_CLEARING");
        long t0 = System.nanoTime();
        JsonNode data = json(post(START_V1, "dn=79161234567&timeout=5")).get("data");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 400, "answered after " + ms + " ms");
        assertEquals("NORMAL_CLEARING", data.get("result").asText());
    }

    @Test
    void syncRingIsCappedAtTheTimeout() throws Exception {
        emulator.syncRingDuration(Duration.ofMinutes(5));
        long t0 = System.nanoTime();
        HttpResponse<String> r = post(START_V1, "dn=79161234567&timeout=2");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(200, r.statusCode());
        assertTrue(ms >= 2000 && ms < 10_000, "answered after " + ms + " ms");
        assertEquals("NO_ANSWER", json(r).get("data").get("result").asText());
    }

    @Test
    void v2AsyncAnswersAtOnceWithTheStringNullAndFourDigitPhone() throws Exception {
        HttpResponse<String> r = post(START_V2, "dn=79161234567&timeout=5&async=1");
        assertEquals(200, r.statusCode());
        JsonNode data = json(r).get("data");
        assertEquals(List.of("callid", "phone", "result"), fields(data));
        assertTrue(data.get("result").isTextual(), "result must be the string \"null\", not JSON null");
        assertEquals("null", data.get("result").asText());
        assertTrue(r.body().contains("\"result\":\"null\""), r.body());
        assertTrue(data.get("phone").asText().matches("[0-9]{4}"));
        CallPassEmulator.Call call = emulator.lastCall();
        assertEquals("v2", call.version());
        assertTrue(call.async());
        assertEquals(data.get("phone").asText(), call.digits());
        assertEquals(data.get("callid").asText(), call.callid());
    }

    @Test
    void v2CodeFieldCanBePin() throws Exception {
        emulator.v2CodeField("pin");
        JsonNode data = json(post(START_V2, "dn=79161234567&timeout=5&async=1")).get("data");
        assertEquals(List.of("callid", "pin", "result"), fields(data));
        assertEquals(emulator.lastCall().digits(), data.get("pin").asText());
        assertTrue(data.get("pin").asText().matches("[0-9]{4}"));
        assertThrows(IllegalArgumentException.class, () -> emulator.v2CodeField("code"));
    }

    @Test
    void v2WithAsyncZeroOrNoAsyncIsSynchronous() throws Exception {
        emulator.finalResult("NORMAL_CLEARING");
        JsonNode data = json(post(START_V2, "dn=79161234567&timeout=5&async=0")).get("data");
        assertEquals(List.of("callid", "phone", "result"), fields(data));
        assertEquals("NORMAL_CLEARING", data.get("result").asText());
        assertFalse(emulator.lastCall().async());
        data = json(post(START_V2, "dn=79161234567&timeout=5")).get("data");
        assertEquals("NORMAL_CLEARING", data.get("result").asText());
        assertFalse(emulator.lastCall().async());
    }

    @Test
    void v3CarriesSevenDigitPhoneWhoseLastFourAreTheCode() throws Exception {
        JsonNode data = json(post(START_V3, "dn=79161234567&timeout=5&async=1")).get("data");
        assertEquals(List.of("callid", "phone", "result"), fields(data));
        assertEquals("null", data.get("result").asText());
        String phone = data.get("phone").asText();
        assertTrue(phone.matches("[0-9]{7}"), phone);
        CallPassEmulator.Call call = emulator.lastCall();
        assertEquals("v3", call.version());
        assertEquals(phone, call.digits());
        assertEquals(phone.substring(3), call.code(4));

        emulator.v2CodeField("pin"); // v2 only
        data = json(post(START_V3, "dn=79161234567&timeout=5&async=0")).get("data");
        assertEquals(List.of("callid", "phone", "result"), fields(data));
        assertEquals("NO_ANSWER", data.get("result").asText());
        assertTrue(data.get("phone").asText().matches("[0-9]{7}"));
    }

    @Test
    void codesAreRandomPerCall() throws Exception {
        Set<String> callids = new HashSet<>();
        Set<String> codes = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            JsonNode data = json(post(START_V3, "dn=79161234567&timeout=5&async=1")).get("data");
            callids.add(data.get("callid").asText());
            codes.add(data.get("phone").asText());
        }
        assertEquals(20, callids.size());
        assertTrue(codes.size() > 1, "7-digit phones should vary: " + codes);
    }

    @Test
    void everyPathWithAndWithoutTrailingSlash() throws Exception {
        for (String v : List.of("v1.0", "v2.0", "v3.0")) {
            for (String slash : List.of("", "/")) {
                HttpResponse<String> r = post("/api/" + v + "/start-call-password" + slash, "dn=79161234567&timeout=5&async=1");
                assertEquals(200, r.statusCode(), v + slash);
                assertEquals("success", json(r).get("status").asText());
            }
        }
        String callid = emulator.lastCall().callid();
        for (String v : List.of("v2.0", "v3.0")) {
            for (String slash : List.of("", "/")) {
                HttpResponse<String> r = post("/api/" + v + "/get-call-password-status" + slash, "callid=" + callid);
                assertEquals(200, r.statusCode(), v + slash);
                assertEquals(callid, json(r).get("data").get("callid").asText());
            }
        }
        assertEquals(6, emulator.calls().size());
        assertEquals(4, emulator.statusPolls(callid));
    }

    @Test
    void unknownPathsAre404MethodNotFound() throws Exception {
        for (String path : List.of("/", "/api/", "/api/v1.0/get-call-password-status/", "/api/v4.0/start-call-password/",
                "/api/v2.0/start-call-password//", "/api/v2.0/start-call", "/API/v2.0/start-call-password/")) {
            HttpResponse<String> r = post(path, "dn=79161234567&timeout=5");
            assertEquals(404, r.statusCode(), path);
            assertEquals("{\"status\":\"error\",\"message\":\"method not found\"}", r.body(), path);
        }
        assertTrue(emulator.calls().isEmpty());
    }

    // ------------------------------------------------------------------------------------------------ protocol

    @Test
    void onlyPostIsAccepted() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri(START_V2)).GET()
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, r.statusCode());
        assertEquals("error", json(r).get("status").asText());
        assertTrue(json(r).get("message").isTextual());
        assertEquals("POST", r.headers().firstValue("Allow").orElse(null));
        r = HTTP.send(HttpRequest.newBuilder(uri(STATUS_V2)).PUT(HttpRequest.BodyPublishers.ofString("callid=x"))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", FORM).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, r.statusCode());
        assertTrue(emulator.calls().isEmpty());
    }

    @Test
    void missingOrWrongTokenIs401() throws Exception {
        String unauthorized = "{\"status\":\"error\",\"message\":\"unauthorized\"}";
        HttpResponse<String> r = send(START_V2, null, FORM, "dn=79161234567&timeout=5&async=1");
        assertEquals(401, r.statusCode());
        assertEquals(unauthorized, r.body());
        for (String header : List.of("Bearer wrong", "Bearer " + TOKEN + "0", TOKEN, "Basic " + TOKEN, "bearer " + TOKEN,
                "Bearer  " + TOKEN)) {
            r = send(START_V2, header, FORM, "dn=79161234567&timeout=5&async=1");
            assertEquals(401, r.statusCode(), header);
            assertEquals(unauthorized, r.body(), header);
        }
        r = send(STATUS_V2, "Bearer nope", FORM, "callid=x");
        assertEquals(401, r.statusCode());
        assertEquals(unauthorized, r.body());
        assertTrue(emulator.calls().isEmpty());
        assertTrue(emulator.authorizationHeaders().contains("Bearer wrong"));
        assertEquals(8, emulator.requestCount());
    }

    @Test
    void tokenLengthIsNotValidated() throws Exception {
        String sixtyFour = "0123456789abcdef".repeat(4);
        for (String token : List.of(sixtyFour, "short", "Not-Hex_At-All")) {
            try (CallPassEmulator other = CallPassEmulator.start(token)) {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(other.url() + START_V2))
                        .header("Authorization", "Bearer " + token).header("Content-Type", FORM)
                        .POST(HttpRequest.BodyPublishers.ofString("dn=79161234567&timeout=5&async=1")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), token);
                assertEquals(List.of("Bearer " + token), other.authorizationHeaders());
            }
        }
    }

    @Test
    void authorizationHeadersAreRecordedAsReceived() throws Exception {
        post(START_V2, "dn=79161234567&timeout=5&async=1");
        send(STATUS_V2, "Bearer other", FORM, "callid=x");
        assertEquals(List.of("Bearer " + TOKEN, "Bearer other"), emulator.authorizationHeaders());
    }

    @Test
    void bodyMustBeFormUrlencodedUtf8() throws Exception {
        for (String type : List.of("application/json", "text/plain", "multipart/form-data; boundary=x",
                "application/x-www-form-urlencoded; charset=windows-1251")) {
            HttpResponse<String> r = send(START_V2, "Bearer " + TOKEN, type, "dn=79161234567&timeout=5&async=1");
            assertEquals(400, r.statusCode(), type);
            assertEquals("error", json(r).get("status").asText(), type);
            assertTrue(json(r).get("message").isTextual());
        }
        assertEquals(400, send(START_V2, "Bearer " + TOKEN, null, "dn=79161234567&timeout=5&async=1").statusCode());
        for (String type : List.of(FORM + "; charset=UTF-8", FORM + ";charset=utf-8", "Application/X-WWW-Form-Urlencoded")) {
            assertEquals(200, send(START_V2, "Bearer " + TOKEN, type, "dn=79161234567&timeout=5&async=1").statusCode(), type);
        }
        // percent-encoded UTF-8 in an extra parameter is fine; bytes that are not UTF-8 are not
        assertEquals(200, post(START_V2, "dn=79161234567&timeout=5&async=1&note=%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82").statusCode());
        assertEquals(400, post(START_V2, "dn=79161234567&timeout=5&async=1&note=%FF").statusCode());
        assertEquals(400, post(START_V2, "dn=79161234567&timeout=5&async=1&note=%G1").statusCode());
        HttpResponse<String> raw = HTTP.send(request(START_V2, "Bearer " + TOKEN, FORM)
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[]{'d', 'n', '=', (byte) 0xff})).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, raw.statusCode());
        assertEquals(4, emulator.calls().size());
    }

    @Test
    void contentLengthIsRequired() throws Exception {
        // a publisher of unknown length makes the JDK client send the body chunked, without Content-Length
        HttpRequest chunked = request(START_V2, "Bearer " + TOKEN, FORM)
                .POST(HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofString("dn=79161234567&timeout=5&async=1"))).build();
        HttpResponse<String> r = HTTP.send(chunked, HttpResponse.BodyHandlers.ofString());
        assertEquals(411, r.statusCode());
        assertEquals("error", json(r).get("status").asText());
        assertTrue(emulator.calls().isEmpty());
    }

    @Test
    void dnMustBeElevenOrMoreDigitsStartingWithSeven() throws Exception {
        String invalid = "{\"status\":\"error\",\"message\":\"invalid parameter dn\"}";
        for (String dn : List.of("%2B79161234567", "+79161234567", "89161234567", "7916123456", "7916123456a",
                "7916-123-45-67", "", "7916123456789012")) {
            HttpResponse<String> r = post(START_V2, "dn=" + dn + "&timeout=5&async=1");
            assertEquals(400, r.statusCode(), dn);
            assertEquals(invalid, r.body(), dn);
        }
        HttpResponse<String> r = post(START_V1, "timeout=5");
        assertEquals(400, r.statusCode());
        assertEquals(invalid, r.body());
        assertEquals(200, post(START_V2, "dn=79161234567&timeout=5&async=1").statusCode());
        assertEquals(200, post(START_V2, "dn=77011234567890&timeout=5&async=1").statusCode());
        assertEquals(List.of("79161234567", "77011234567890"), emulator.calls().stream().map(CallPassEmulator.Call::dn).toList());
    }

    @Test
    void timeoutMustBeTwoToNinetyNine() throws Exception {
        for (String t : List.of("1", "0", "100", "-5", "abc", "5.5", "", "+5")) {
            HttpResponse<String> r = post(START_V2, "dn=79161234567&timeout=" + t + "&async=1");
            assertEquals(400, r.statusCode(), t);
            assertEquals("error", json(r).get("status").asText());
            assertTrue(json(r).get("message").asText().contains("timeout"));
        }
        assertEquals(400, post(START_V2, "dn=79161234567&async=1").statusCode());
        assertEquals(200, post(START_V2, "dn=79161234567&timeout=2&async=1").statusCode());
        assertEquals(200, post(START_V2, "dn=79161234567&timeout=99&async=1").statusCode());
        assertEquals(List.of(2, 99), emulator.calls().stream().map(CallPassEmulator.Call::timeout).toList());
    }

    @Test
    void asyncMustBeZeroOrOneOnV2AndV3() throws Exception {
        for (String path : List.of(START_V2, START_V3)) {
            for (String a : List.of("2", "true", "yes", "")) {
                HttpResponse<String> r = post(path, "dn=79161234567&timeout=5&async=" + a);
                assertEquals(400, r.statusCode(), path + a);
                assertEquals("{\"status\":\"error\",\"message\":\"invalid parameter async\"}", r.body());
            }
        }
        assertTrue(emulator.calls().isEmpty());
    }

    // ------------------------------------------------------------------------------------------------ status

    @Test
    void pollSequenceByDefaultIsOneNullThenNoAnswer() throws Exception {
        String callid = json(post(START_V2, "dn=79161234567&timeout=5&async=1")).get("data").get("callid").asText();
        HttpResponse<String> first = post(STATUS_V2, "callid=" + callid);
        assertEquals(200, first.statusCode());
        assertEquals("{\"data\":{\"callid\":\"" + callid + "\",\"result\":\"null\"},\"status\":\"success\"}", first.body());
        HttpResponse<String> second = post(STATUS_V2, "callid=" + callid);
        assertEquals("{\"data\":{\"callid\":\"" + callid + "\",\"result\":\"NO_ANSWER\"},\"status\":\"success\"}", second.body());
        assertEquals("NO_ANSWER", status(STATUS_V2, "callid", callid));
        assertEquals(3, emulator.statusPolls(callid));
    }

    @Test
    void pollSequenceIsScriptedAndAcceptsBothSpellings() throws Exception {
        emulator.pollsBeforeFinal(3).finalResult("NORMAL_CLEARING");
        String callid = json(post(START_V3, "dn=79161234567&timeout=5&async=1")).get("data").get("callid").asText();
        assertEquals(0, emulator.statusPolls(callid));
        assertEquals("null", status(STATUS_V3, "callId", callid));
        assertEquals("null", status(STATUS_V3, "callid", callid));
        assertEquals("null", status(STATUS_V2, "callId", callid));
        assertEquals("NORMAL_CLEARING", status(STATUS_V3, "callId", callid));
        assertEquals("NORMAL_CLEARING", status(STATUS_V3, "callid", callid));
        assertEquals(5, emulator.statusPolls(callid));
    }

    @Test
    void pollsBeforeFinalZeroIsFinalAtOnce() throws Exception {
        emulator.pollsBeforeFinal(0).finalResult("USER_BUSY");
        String callid = json(post(START_V2, "dn=79161234567&timeout=5&async=1")).get("data").get("callid").asText();
        assertEquals("USER_BUSY", status(STATUS_V2, "callid", callid));
    }

    @Test
    void anyScriptedFinalResultIsPassedThrough() throws Exception {
        emulator.pollsBeforeFinal(0).finalResult("CALL_REJECTED");
        String callid = json(post(START_V2, "dn=79161234567&timeout=5&async=1")).get("data").get("callid").asText();
        assertEquals("CALL_REJECTED", status(STATUS_V2, "callid", callid));
    }

    @Test
    void neverFinishStaysNull() throws Exception {
        emulator.neverFinish();
        String callid = json(post(START_V2, "dn=79161234567&timeout=5&async=1")).get("data").get("callid").asText();
        for (int i = 0; i < 10; i++) {
            assertEquals("null", status(STATUS_V2, "callid", callid));
        }
        assertEquals(10, emulator.statusPolls(callid));
    }

    @Test
    void settingsAreCapturedWhenTheCallStarts() throws Exception {
        emulator.pollsBeforeFinal(1).finalResult("USER_BUSY");
        String first = json(post(START_V2, "dn=79161234567&timeout=5&async=1")).get("data").get("callid").asText();
        emulator.neverFinish().finalResult("NORMAL_CLEARING");
        String second = json(post(START_V2, "dn=79161234567&timeout=5&async=1")).get("data").get("callid").asText();
        assertEquals("null", status(STATUS_V2, "callid", first));
        assertEquals("USER_BUSY", status(STATUS_V2, "callid", first));
        assertEquals("null", status(STATUS_V2, "callid", second));
        assertEquals("null", status(STATUS_V2, "callid", second));
    }

    @Test
    void aSynchronousCallIsFinalWhenPolled() throws Exception {
        emulator.finalResult("NORMAL_CLEARING");
        String callid = json(post(START_V1, "dn=79161234567&timeout=5")).get("data").get("callid").asText();
        assertEquals("NORMAL_CLEARING", status(STATUS_V2, "callid", callid));
    }

    @Test
    void unknownCallidIsAMethodError() throws Exception {
        String cantFind = "{\"data\":{\"message\":\"can't find callid\",\"result\":\"error\"},\"status\":\"success\"}";
        for (String name : List.of("callid", "callId")) {
            HttpResponse<String> r = post(STATUS_V2, name + "=4f2ea8a1-75e8-4fdd-8e6b-b92e804b1a1d");
            assertEquals(200, r.statusCode());
            assertEquals(cantFind, r.body());
        }
        assertEquals(cantFind, post(STATUS_V3, "callid=garbage").body());
        // a call forgotten by reset() is unknown too
        String callid = json(post(START_V2, "dn=79161234567&timeout=5&async=1")).get("data").get("callid").asText();
        emulator.reset();
        assertEquals(cantFind, post(STATUS_V2, "callid=" + callid).body());
    }

    @Test
    void missingCallidIsABadRequest() throws Exception {
        for (String body : List.of("", "callid=", "call_id=x", "CALLID=x")) {
            HttpResponse<String> r = post(STATUS_V2, body);
            assertEquals(400, r.statusCode(), body);
            assertEquals("{\"status\":\"error\",\"message\":\"invalid parameter callid\"}", r.body());
        }
    }

    // ------------------------------------------------------------------------------------------------ scripted failures

    @Test
    void refusalsAreMethodErrorsAndPlaceNoCall() throws Exception {
        emulator.refuseCalls("destination not allowed");
        for (String path : List.of(START_V1, START_V2, START_V3)) {
            HttpResponse<String> r = post(path, "dn=79161234567&timeout=5&async=1");
            assertEquals(200, r.statusCode());
            assertEquals("{\"data\":{\"message\":\"destination not allowed\",\"result\":\"error\"},\"status\":\"success\"}", r.body());
        }
        emulator.refuseCalls("balance is lower than limit for that call");
        JsonNode data = json(post(START_V2, "dn=79161234567&timeout=5&async=1")).get("data");
        assertEquals("error", data.get("result").asText());
        assertEquals("balance is lower than limit for that call", data.get("message").asText());
        // parameters are still validated first
        assertEquals(400, post(START_V2, "dn=123&timeout=5&async=1").statusCode());
        assertTrue(emulator.calls().isEmpty());
        assertThrows(IllegalStateException.class, emulator::lastCall);
        emulator.refuseCalls(null);
        assertEquals("null", json(post(START_V2, "dn=79161234567&timeout=5&async=1")).get("data").get("result").asText());
    }

    @Test
    void httpFailuresAreStatusErrors() throws Exception {
        String callid = json(post(START_V2, "dn=79161234567&timeout=5&async=1")).get("data").get("callid").asText();
        emulator.failWithHttp(503);
        HttpResponse<String> r = post(START_V2, "dn=79161234567&timeout=5&async=1");
        assertEquals(503, r.statusCode());
        assertEquals("error", json(r).get("status").asText());
        assertTrue(json(r).get("message").isTextual());
        assertFalse(json(r).has("data"));
        emulator.failWithHttp(500);
        assertEquals(500, post(START_V1, "dn=79161234567&timeout=5").statusCode());
        // polls of calls already placed are not affected
        assertEquals("null", status(STATUS_V2, "callid", callid));
        assertEquals(1, emulator.calls().size());
        emulator.reset();
        assertEquals(200, post(START_V2, "dn=79161234567&timeout=5&async=1").statusCode());
    }

    @Test
    void delayedResponsesTimeClientsOut() throws Exception {
        emulator.delayResponses(Duration.ofMillis(1500));
        HttpRequest slow = request(START_V2, "Bearer " + TOKEN, FORM).timeout(Duration.ofMillis(200))
                .POST(HttpRequest.BodyPublishers.ofString("dn=79161234567&timeout=5&async=1")).build();
        assertThrows(HttpTimeoutException.class, () -> HTTP.send(slow, HttpResponse.BodyHandlers.ofString()));
        emulator.delayResponses(Duration.ofMillis(300));
        long t0 = System.nanoTime();
        assertEquals(200, post(START_V2, "dn=79161234567&timeout=5&async=1").statusCode());
        assertTrue((System.nanoTime() - t0) / 1_000_000 >= 300);
    }

    @Test
    void resetRestoresDefaultsAndForgetsEverything() throws Exception {
        emulator.refuseCalls("destination not allowed").failWithHttp(500).finalResult("USER_BUSY").neverFinish()
                .v2CodeField("pin").syncRingDuration(Duration.ofSeconds(30)).delayResponses(Duration.ofSeconds(30));
        emulator.reset();
        long t0 = System.nanoTime();
        JsonNode data = json(post(START_V2, "dn=79161234567&timeout=5&async=1")).get("data");
        assertTrue(data.has("phone"));
        String callid = data.get("callid").asText();
        assertEquals("null", status(STATUS_V2, "callid", callid));
        assertEquals("NO_ANSWER", status(STATUS_V2, "callid", callid));
        assertEquals("NO_ANSWER", json(post(START_V1, "dn=79161234567&timeout=5")).get("data").get("result").asText());
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 5_000);
        assertEquals(2, emulator.calls().size());
        assertEquals(4, emulator.requestCount());
        emulator.reset();
        assertTrue(emulator.calls().isEmpty());
        assertEquals(0, emulator.statusPolls(callid));
        assertEquals(0, emulator.requestCount());
        assertTrue(emulator.authorizationHeaders().isEmpty());
    }

    @Test
    void concurrentRequestsAreServedInParallel() throws Exception {
        emulator.syncRingDuration(Duration.ofMillis(500));
        List<CompletableFuture<HttpResponse<String>>> sync = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            sync.add(HTTP.sendAsync(form(START_V1, "dn=7916000" + String.format("%04d", i) + "&timeout=5"),
                    HttpResponse.BodyHandlers.ofString()));
        }
        List<CompletableFuture<HttpResponse<String>>> async = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            async.add(HTTP.sendAsync(form(START_V3, "dn=7926000" + String.format("%04d", i) + "&timeout=5&async=1"),
                    HttpResponse.BodyHandlers.ofString()));
        }
        Set<String> callids = new HashSet<>();
        for (CompletableFuture<HttpResponse<String>> f : sync) {
            HttpResponse<String> r = f.get();
            assertEquals(200, r.statusCode());
            callids.add(json(r).get("data").get("callid").asText());
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 5_000, "20 rings of 500 ms took " + ms + " ms: not concurrent");
        for (CompletableFuture<HttpResponse<String>> f : async) {
            HttpResponse<String> r = f.get();
            assertEquals(200, r.statusCode());
            callids.add(json(r).get("data").get("callid").asText());
        }
        assertEquals(70, callids.size());
        assertEquals(70, emulator.calls().size());
        assertEquals(70, emulator.requestCount());
        assertEquals(callids, new HashSet<>(emulator.calls().stream().map(CallPassEmulator.Call::callid).toList()));
    }

    @Test
    void controlApiRejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> emulator.pollsBeforeFinal(-1));
        assertThrows(IllegalArgumentException.class, () -> emulator.failWithHttp(99));
        assertThrows(IllegalArgumentException.class, () -> emulator.delayResponses(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> CallPassEmulator.start(""));
        assertThrows(IllegalStateException.class, emulator::lastCall);
        CallPassEmulator.Call call = new CallPassEmulator.Call("v3", "79161234567", 5, true, "id", "2214610", null);
        assertEquals("4610", call.code(4));
        assertEquals("2214610", call.code(7));
        assertThrows(IllegalArgumentException.class, () -> call.code(8));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static URI uri(String path) {
        return URI.create(emulator.url() + path);
    }

    private static HttpRequest.Builder request(String path, String authorization, String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return b;
    }

    private static HttpRequest form(String path, String body) {
        return request(path, "Bearer " + TOKEN, FORM).POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
    }

    private static HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return HTTP.send(form(path, body), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(String path, String authorization, String contentType, String body)
            throws IOException, InterruptedException {
        return HTTP.send(request(path, authorization, contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** data.result of a status poll, after checking the envelope. */
    private static String status(String path, String param, String callid) throws Exception {
        HttpResponse<String> r = post(path, param + "=" + callid);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = json(r);
        assertEquals("success", body.get("status").asText());
        JsonNode data = body.get("data");
        assertEquals(List.of("callid", "result"), fields(data));
        assertEquals(callid, data.get("callid").asText());
        assertTrue(data.get("result").isTextual(), r.body());
        return data.get("result").asText();
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    private static List<String> fields(JsonNode n) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
