package io.callauth.security;

import io.callauth.provider.callpass.CallPassEmulator;
import io.callauth.provider.callpass.CallPassEmulatorResource;
import io.callauth.verification.Api;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/** No code in a response, none in clear in Redis; no full phone number or provider token in the log. */
@QuarkusTest
@QuarkusTestResource(CallPassEmulatorResource.class)
class SecretsLeakTest {

    @Inject
    RedisDataSource redis;
    @Inject
    io.callauth.attempts.AttemptLog attempts;

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** a MAC or hash in hex: its digits are not numbers of their own */
    /**
     * random ids (a verification's 32 hex digits, a rule's, an endpoint's or an event's 16 after their prefix, stream
     * ids' 13-digit milliseconds) are masked before numbers are looked for: a code's digits inside one of those are
     * chance, not a leak (the defence's rules made "rl_ec107834c0c8537a" common enough to meet the code 8537)
     */
    private static final java.util.regex.Pattern HEX =
            java.util.regex.Pattern.compile("(?<![0-9a-zA-Z])[0-9a-fA-F]{12,}(?![0-9a-zA-Z])");

    /**
     * the secrets that stand in {@code text} as a number of their own (a run of digits equal to one of them), outside
     * hex digests: a code's HMAC is random hex, and with hundreds of them in Redis one holds "2694" between two letters
     * now and then
     */
    static List<String> leaks(String text, List<String> secrets) {
        List<String> found = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("[0-9]+").matcher(HEX.matcher(text).replaceAll("#"));
        while (m.find()) {
            if (secrets.contains(m.group())) {
                found.add(m.group());
            }
        }
        return found;
    }

    /** the value itself and, when it is JSON, every field name and scalar inside it, however deep */
    static void flatten(String value, List<String> out) {
        out.add(value);
        com.fasterxml.jackson.databind.JsonNode node;
        try {
            node = JSON.readTree(value);
        } catch (Exception notJson) {
            return;
        }
        if (node != null) {
            flatten(node, out);
        }
    }

    private static void flatten(com.fasterxml.jackson.databind.JsonNode node, List<String> out) {
        if (node.isValueNode()) {
            out.add(node.asText());
            if (node.isTextual()) {
                flatten(node.asText(), out); // JSON inside a JSON string
            }
            return;
        }
        node.fieldNames().forEachRemaining(out::add);
        node.elements().forEachRemaining(n -> flatten(n, out));
    }

    @Test
    void aDigestIsNotALeakButANumberIs() {
        List<String> secrets = List.of("2694");
        String mac = "49b2694a08236a4f67cb88fcdb369352809674f6b8d6031826d2bd20b9ae13d1";
        assertThat(leaks("[codeMac, " + mac + "]", secrets)).isEmpty();
        assertThat(leaks("{\"last\":\"2694\"}", secrets)).containsExactly("2694");
        assertThat(leaks("from +7916112694 x2694y", secrets)).containsExactly("2694");
        assertThat(leaks(mac + " 2694", secrets)).containsExactly("2694");
    }

    @Test
    void codesPhonesAndTokensStayWhereTheyBelong() {
        List<String> logged = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                String msg = r.getMessage();
                if (r.getParameters() != null && msg != null) {
                    try {
                        msg = String.format(msg, r.getParameters());
                    } catch (RuntimeException ignored) {
                        msg = msg + " " + java.util.Arrays.toString(r.getParameters());
                    }
                }
                logged.add(msg + (r.getThrown() == null ? "" : " " + r.getThrown()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try {
            CallPassEmulator callpass = CallPassEmulatorResource.emulator();
            callpass.reset();
            // distinctive codes (no year, no repeated digit), so finding one as a number of its own means a leak
            String code = "8537";
            String code2 = "2694";
            callpass.nextCodes(code, code2);
            String phone = Api.newPhone();
            String start = Api.start(phone).statusCode(201).extract().asString();
            String id = io.restassured.path.json.JsonPath.from(start).getString("id");
            CallPassEmulator.Call call = callpass.lastCall();
            assertThat(call.code(4)).isEqualTo(code);
            String wrong = Api.check(id, Api.wrong(code)).statusCode(200).extract().asString();
            String get = Api.verify().get("/v1/verifications/" + id).then().statusCode(200).extract().asString();
            String resent = Api.verify().post("/v1/verifications/" + id + "/resend").then().statusCode(200)
                    .extract().asString();
            CallPassEmulator.Call call2 = callpass.lastCall();
            assertThat(call2.code(4)).isEqualTo(code2);
            String right = Api.check(id, code2).statusCode(200).extract().asString();
            List<String> secrets = List.of(code, code2, call.digits(), call2.digits());

            // the fraud team's call records: both calls, their caller IDs masked
            String calls = Api.as(Api.FRAUD_KEY).get("/v1/verifications/" + id + "/calls").then().statusCode(200)
                    .extract().asString();
            assertThat(io.restassured.path.json.JsonPath.from(calls).getList("items")).hasSize(2);
            for (String body : List.of(start, wrong, get, resent, right, calls)) {
                assertThat(body).doesNotContain("\"code\"");
                assertThat(leaks(body, secrets)).as("codes in the response %s", body).isEmpty();
            }

            // Redis: every value, hash field, list item and stream field, and every string inside a JSON value
            List<String> values = new ArrayList<>();
            for (Response key : redis.execute("KEYS", "ca:*")) {
                String k = key.toString();
                if (k.startsWith("ca:sandbox:")) {
                    continue; // the simulated phone shows calling numbers by design
                }
                String type = redis.execute("TYPE", k).toString();
                switch (type) {
                    case "hash" -> redis.execute("HGETALL", k).forEach(v -> values.add(v.toString()));
                    case "list" -> redis.execute("LRANGE", k, "0", "-1").forEach(v -> values.add(v.toString()));
                    case "set" -> redis.execute("SMEMBERS", k).forEach(v -> values.add(v.toString()));
                    case "zset" -> redis.execute("ZRANGE", k, "0", "-1").forEach(v -> values.add(v.toString()));
                    case "string" -> values.add(redis.execute("GET", k).toString());
                    case "stream" -> redis.execute("XRANGE", k, "-", "+").forEach(e ->
                            e.get(1).forEach(v -> values.add(v.toString())));
                    default -> {
                    }
                }
            }
            assertThat(values).isNotEmpty();
            List<String> scalars = new ArrayList<>();
            values.forEach(v -> flatten(v, scalars));
            assertThat(scalars).as("Redis values carrying a code")
                    .filteredOn(v -> !leaks(v, secrets).isEmpty()).isEmpty();
            assertThat(values).noneMatch(v -> v.contains("\"code\"") || v.contains("\"digits\""));

            // the attempt records of this verification
            List<String> records = attempts.newest("+", 500).await().indefinitely().stream()
                    .map(io.callauth.attempts.AttemptLog.Entry::record).filter(r -> id.equals(r.verificationId()))
                    .map(String::valueOf).toList();
            assertThat(records).isNotEmpty();
            assertThat(records).as("attempt records carrying a code").filteredOn(r -> !leaks(r, secrets).isEmpty())
                    .isEmpty();

            assertThat(logged).as("log lines carrying a code").filteredOn(l -> !leaks(l, secrets).isEmpty()).isEmpty();
            String log = String.join("\n", logged);
            assertThat(logged).isNotEmpty();
            assertThat(log).doesNotContain(phone).doesNotContain(phone.substring(1))
                    .doesNotContain(CallPassEmulatorResource.TOKEN);
        } finally {
            root.removeHandler(capture);
        }
    }
}
