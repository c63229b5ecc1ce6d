package io.callauth.verification;

import io.callauth.attempts.AttemptLog;
import io.callauth.provider.callpass.CallPassEmulatorResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.callauth.verification.Api.verify;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * Request bodies are checked by the constraints on their records (Bean Validation), with the API's problem codes: a
 * phone's shape is 400 {@code invalid_phone}, everything else 400 {@code invalid_request} naming the field; a refused
 * start is still an attempt record.
 */
@QuarkusTest
@QuarkusTestResource(CallPassEmulatorResource.class)
class RequestValidationTest {

    @Inject
    AttemptLog log;

    private static io.restassured.response.ValidatableResponse start(String body) {
        return verify().contentType(ContentType.JSON).body(body).post("/v1/verifications").then();
    }

    @Test
    void aStartIsCheckedFieldByFieldWithTheApisCodes() {
        start("{\"channel\":\"auto\"}").statusCode(400).body("code", equalTo("invalid_request"))
                .body("detail", equalTo("phone is required"));
        start("{\"phone\":\"+7 916 abc\"}").statusCode(400).body("code", equalTo("invalid_phone"))
                .body("detail", equalTo("phone must be an optional + followed by digits, spaces and ( ) - . only"));
        start("{\"phone\":\"" + Api.newPhone() + "\",\"channel\":\"sms\"}").statusCode(400)
                .body("code", equalTo("invalid_request")).body("detail", equalTo("channel must be auto, flashcall or voice"));
        start("{\"phone\":\"" + Api.newPhone() + "\",\"context\":{\"ip\":\"" + "1".repeat(65) + "\"}}").statusCode(400)
                .body("code", equalTo("invalid_request"))
                .body("detail", equalTo("context.ip is longer than 64 characters"));
    }

    @Test
    void aRefusedStartIsAnAttemptRecord() {
        String app = "invalid-" + UUID.randomUUID().toString().substring(0, 8);
        start("{\"phone\":\"" + Api.newPhone() + "\",\"context\":{\"appId\":\"" + app + "\",\"deviceId\":\""
                + "d".repeat(129) + "\"}}").statusCode(400).body("detail", equalTo("context.deviceId is longer than 128 characters"));
        assertThat(log.newest("+", 200).await().indefinitely())
                .anyMatch(e -> e.record().type().equals("refused") && app.equals(e.record().appId()));
    }

    @Test
    void aCodeIsDigits() {
        String id = Api.startId(Api.newPhone());
        verify().contentType(ContentType.JSON).body("{}").post("/v1/verifications/" + id + "/check").then()
                .statusCode(400).body("code", equalTo("invalid_request")).body("detail", equalTo("code is required"));
        verify().contentType(ContentType.JSON).body("{\"code\":\"12a4\"}").post("/v1/verifications/" + id + "/check")
                .then().statusCode(400).body("detail", equalTo("code must be digits"));
        verify().contentType(ContentType.JSON).body("{\"code\":\" 1234 \"}").post("/v1/verifications/" + id + "/check")
                .then().statusCode(200).body("valid", equalTo(false));
        verify().contentType(ContentType.JSON).body("{\"phone\":\"+7 916 abc\",\"code\":\"1234\"}")
                .post("/v1/verifications/check").then().statusCode(400).body("code", equalTo("invalid_phone"));
    }

    @Test
    void aResendIsCheckedToo() {
        String id = Api.startId(Api.newPhone());
        verify().contentType(ContentType.JSON).body("{\"channel\":\"sms\"}").post("/v1/verifications/" + id + "/resend")
                .then().statusCode(400).body("code", equalTo("invalid_request"))
                .body("detail", equalTo("channel must be auto, flashcall or voice"));
        verify().contentType(ContentType.JSON).body("{\"provider\":\"" + "p".repeat(65) + "\"}")
                .post("/v1/verifications/" + id + "/resend").then().statusCode(400)
                .body("detail", equalTo("provider is longer than 64 characters"));
    }
}
