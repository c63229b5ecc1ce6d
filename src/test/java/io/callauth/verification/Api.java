package io.callauth.verification;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

import java.util.concurrent.atomic.AtomicInteger;

/** Small helpers for API tests. Keys: see application.properties (%test). */
public final class Api {
    public static final String VERIFY_KEY = "dev-key-change-me";
    public static final String FRAUD_KEY = "fraud-key";
    private static final AtomicInteger PHONES = new AtomicInteger((int) (System.nanoTime() % 1_000_000));

    private Api() {
    }

    /** a fresh valid Russian mobile number in E.164 */
    public static String newPhone() {
        return String.format("+7916%07d", PHONES.incrementAndGet() % 10_000_000);
    }

    public static RequestSpecification as(String key) {
        return RestAssured.given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON);
    }

    public static RequestSpecification verify() {
        return as(VERIFY_KEY);
    }

    public static ValidatableResponse start(String phone) {
        return verify().body("{\"phone\":\"" + phone + "\",\"context\":{\"ip\":\"203.0.113.9\",\"userAgent\":\"test/1\","
                + "\"appId\":\"app-1\",\"deviceId\":\"dev-1\"}}").post("/v1/verifications").then();
    }

    public static String startId(String phone) {
        return start(phone).statusCode(201).extract().path("id");
    }

    public static ValidatableResponse check(String id, String code) {
        return verify().body("{\"code\":\"" + code + "\"}").post("/v1/verifications/" + id + "/check").then();
    }

    /** a verification as GET shows it */
    public static java.util.Map<String, Object> view(String id) {
        return verify().get("/v1/verifications/" + id).then().statusCode(200).extract().jsonPath().getMap("");
    }

    /** its event timeline */
    public static java.util.List<java.util.Map<String, Object>> events(String id) {
        return verify().get("/v1/verifications/" + id).then().statusCode(200).extract().jsonPath().getList("events");
    }

    /** when the last event of {@code type} (by {@code provider}, when not null) happened */
    public static java.time.Instant at(java.util.List<java.util.Map<String, Object>> events, String type, String provider) {
        return events.stream().filter(e -> type.equals(e.get("type")) && (provider == null || provider.equals(e.get("provider"))))
                .map(e -> java.time.Instant.parse(e.get("at").toString())).reduce((a, b) -> b).orElseThrow();
    }

    /** the code the sandbox's simulated phone saw last */
    public static String sandboxCode(String phone) {
        java.util.List<java.util.Map<String, Object>> calls = RestAssured.get("/sandbox/calls?phone=" + phone.substring(1))
                .then().statusCode(200).extract().jsonPath().getList("");
        if (calls.isEmpty()) {
            throw new AssertionError("the sandbox phone got no call");
        }
        return calls.get(0).get("code").toString();
    }

    /** a verification whose call was followed by a new one: the code of the old call and of the new */
    public record Replaced(String id, String old, String fresh) {
    }

    /**
     * Runs {@code scenario} (a fresh verification each time) until the new call's code differs from the old one, at most
     * five times, then asserts the old code no longer passes and the new one does. Two random 4-digit codes match
     * once in 10,000; five scenarios in a row whose codes all match mean the new call reuses the old code.
     */
    public static void codeReplaced(java.util.function.Supplier<Replaced> scenario) {
        for (int i = 0; i < 5; i++) {
            Replaced r = scenario.get();
            if (!r.old().equals(r.fresh())) {
                codeReplaced(r.id(), r.old(), r.fresh());
                return;
            }
        }
        throw new AssertionError("five new calls in a row came with the code of the call before");
    }

    /** after a new call: the old code no longer passes, the new one does; the two codes must differ */
    public static void codeReplaced(String id, String old, String fresh) {
        if (old.equals(fresh)) {
            throw new AssertionError("the new call's code " + fresh + " is the old one: cannot tell the old code is "
                    + "dead; make them differ (CallPassEmulator.nextCodes, or codeReplaced(Supplier))");
        }
        check(id, old).statusCode(200).body("valid", org.hamcrest.Matchers.equalTo(false));
        check(id, fresh).statusCode(200).body("valid", org.hamcrest.Matchers.equalTo(true));
    }

    /** a near miss: the code with only its last digit changed, so a check that ignores any digit is caught */
    public static String wrong(String code) {
        char last = code.charAt(code.length() - 1);
        return code.substring(0, code.length() - 1) + (char) ('0' + (last - '0' + 1) % 10);
    }
}
