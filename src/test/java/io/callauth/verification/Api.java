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

    public static String wrong(String code) {
        return code.equals("0000") ? "1111" : "0000";
    }
}
