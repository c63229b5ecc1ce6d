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

    /** after a new call: the old code no longer passes (when the two differ), the new one does */
    public static void codeReplaced(String id, String old, String fresh) {
        if (!old.equals(fresh)) {
            check(id, old).statusCode(200).body("valid", org.hamcrest.Matchers.equalTo(false));
        }
        check(id, fresh).statusCode(200).body("valid", org.hamcrest.Matchers.equalTo(true));
    }

    public static String wrong(String code) {
        return code.equals("0000") ? "1111" : "0000";
    }
}
