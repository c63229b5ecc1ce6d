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
            String phone = Api.newPhone();
            String start = Api.start(phone).statusCode(201).extract().asString();
            String id = io.restassured.path.json.JsonPath.from(start).getString("id");
            CallPassEmulator.Call call = callpass.lastCall();
            String code = call.code(4);
            String wrong = Api.check(id, Api.wrong(code)).statusCode(200).extract().asString();
            String get = Api.verify().get("/v1/verifications/" + id).then().statusCode(200).extract().asString();
            String resent = Api.verify().post("/v1/verifications/" + id + "/resend").then().statusCode(200)
                    .extract().asString();
            String code2 = callpass.lastCall().code(4);
            String right = Api.check(id, code2).statusCode(200).extract().asString();

            for (String body : List.of(start, wrong, get, resent, right)) {
                assertThat(body).doesNotContain("\"code\"").doesNotContain(call.digits())
                        .doesNotContain(callpass.lastCall().digits());
            }

            // Redis: every value of this verification's keys, the tracking jobs and the attempt log
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
                    case "string" -> values.add(redis.execute("GET", k).toString());
                    case "stream" -> redis.execute("XRANGE", k, "-", "+").forEach(e ->
                            e.get(1).forEach(v -> values.add(v.toString())));
                    default -> {
                    }
                }
            }
            assertThat(values).isNotEmpty();
            assertThat(values).doesNotContain(code, code2, call.digits());
            assertThat(values).noneMatch(v -> v.contains("\"code\"") || v.contains("\"digits\""));

            String log = String.join("\n", logged);
            assertThat(logged).isNotEmpty();
            assertThat(log).doesNotContain(phone).doesNotContain(phone.substring(1))
                    .doesNotContain(CallPassEmulatorResource.TOKEN);
        } finally {
            root.removeHandler(capture);
        }
    }
}
