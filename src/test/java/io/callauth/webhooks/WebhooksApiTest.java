package io.callauth.webhooks;

import io.callauth.provider.callpass.CallPassEmulatorResource;
import io.callauth.verification.Api;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

/** The webhooks API: registration and its checks, who sees and changes which endpoint, rotation, the problems. */
@QuarkusTest
@QuarkusTestResource(CallPassEmulatorResource.class)
class WebhooksApiTest {

    static final String OTHER_KEY = "other-verify-key";

    @Inject
    WebhookStore store;
    @Inject
    RedisDataSource redis;

    final List<String> created = new ArrayList<>();

    @AfterEach
    void tearDown() {
        created.forEach(store::delete);
    }

    String register(String key, List<String> events) {
        var r = Api.as(key).body(Map.of("url", "http://127.0.0.1:9/hook", "events", events))
                .post("/v1/webhooks").then().statusCode(201)
                .body("id", startsWith("wh_")).body("secret", startsWith("whsec_"))
                .body("enabled", equalTo(true)).body("format", equalTo("single"))
                .extract().response();
        String id = r.path("id");
        created.add(id);
        assertThat(r.header("Location")).endsWith("/v1/webhooks/" + id);
        return id;
    }

    @Test
    void registrationAnswersTheSecretOnceAndStoresItSealed() {
        var r = Api.verify().body(Map.of("url", "http://127.0.0.1:9/a", "events",
                        List.of("verification.approved"), "description", "backend"))
                .post("/v1/webhooks").then().statusCode(201).extract().response();
        String secret = r.path("secret");
        String id = r.path("id");
        created.add(id);
        assertThat(secret).startsWith("whsec_");
        Api.verify().get("/v1/webhooks/" + id).then().statusCode(200).body("secret", nullValue())
                .body("description", equalTo("backend")).body("apiKey", equalTo("test"))
                .body("events", equalTo(List.of("verification.approved")));
        // a Redis dump alone does not leak it
        String raw = redis.execute("HGET", WebhookStore.REGISTRY, id).toString();
        assertThat(raw).doesNotContain(secret).doesNotContain(secret.substring(6));
    }

    @Test
    void badRegistrationsAreProblems() {
        Api.verify().body(Map.of("url", "http://127.0.0.1:9/a", "events", List.of("attempt.refused")))
                .post("/v1/webhooks").then().statusCode(400).body("code", equalTo("event_not_allowed"));
        Api.verify().body(Map.of("url", "http://127.0.0.1:9/a", "events", List.of("verification.nope")))
                .post("/v1/webhooks").then().statusCode(400).body("code", equalTo("invalid_request"));
        Api.verify().body(Map.of("url", "http://127.0.0.1:9/a", "events", List.of()))
                .post("/v1/webhooks").then().statusCode(400).body("code", equalTo("invalid_request"));
        Api.verify().body(Map.of("events", List.of("*"))).post("/v1/webhooks").then().statusCode(400)
                .body("code", equalTo("invalid_request"));
        Api.verify().body(Map.of("url", "http://127.0.0.1:9/a", "events", List.of("*"), "format", "xml"))
                .post("/v1/webhooks").then().statusCode(400).body("code", equalTo("invalid_request"));
        Api.verify().body("{").post("/v1/webhooks").then().statusCode(400);
        // SSRF at registration: not http(s), a private or metadata address, a loopback host not listed
        for (String url : List.of("ftp://example.com/x", "http://10.0.0.1/x", "http://169.254.169.254/latest",
                "http://localhost:8080/x", "http://[::1]/x", "not a url")) {
            String code = Api.verify().body(Map.of("url", url, "events", List.of("*"))).post("/v1/webhooks").then()
                    .statusCode(400).extract().path("code");
            assertThat(code).as(url).isEqualTo("invalid_webhook_url");
        }
        // a fraud key may name the fraud types
        String id = Api.as(Api.FRAUD_KEY).body(Map.of("url", "http://127.0.0.1:9/f", "events",
                List.of("attempt.refused", "rule.created"))).post("/v1/webhooks").then().statusCode(201)
                .extract().path("id");
        created.add(id);
    }

    @Test
    void aVerifyKeySeesAndChangesOnlyItsOwnEndpointsAFraudKeySeesAll() {
        String mine = register(Api.VERIFY_KEY, List.of("*"));
        String theirs = register(OTHER_KEY, List.of("verification.approved"));
        String fraud = register(Api.FRAUD_KEY, List.of("*"));

        assertThat(Api.verify().get("/v1/webhooks").then().statusCode(200).extract().jsonPath()
                .<String>getList("items.id")).contains(mine).doesNotContain(theirs, fraud);
        assertThat(Api.as(OTHER_KEY).get("/v1/webhooks").then().statusCode(200).extract().jsonPath()
                .<String>getList("items.id")).contains(theirs).doesNotContain(mine, fraud);
        Api.as(Api.FRAUD_KEY).get("/v1/webhooks").then().statusCode(200)
                .body("items.id", hasItem(mine)).body("items.id", hasItem(theirs))
                .body("items.secret", not(hasItem(notNullValue())));

        Api.verify().get("/v1/webhooks/" + theirs).then().statusCode(404).body("code", equalTo("not_found"));
        Api.verify().body(Map.of("enabled", false)).patch("/v1/webhooks/" + theirs).then().statusCode(404);
        Api.verify().delete("/v1/webhooks/" + theirs).then().statusCode(404);
        Api.verify().post("/v1/webhooks/" + theirs + "/rotate-secret").then().statusCode(404);
        Api.verify().get("/v1/webhooks/" + theirs + "/deliveries").then().statusCode(404);
        Api.verify().body(Map.of("since", "2026-01-01T00:00:00Z")).post("/v1/webhooks/" + theirs + "/replay")
                .then().statusCode(404);
        // a fraud key reads another key's endpoint and its deliveries, never changes it
        Api.as(Api.FRAUD_KEY).get("/v1/webhooks/" + theirs).then().statusCode(200).body("secret", nullValue());
        Api.as(Api.FRAUD_KEY).get("/v1/webhooks/" + theirs + "/deliveries").then().statusCode(200);
        Api.as(Api.FRAUD_KEY).post("/v1/webhooks/" + theirs + "/rotate-secret").then().statusCode(403)
                .body("code", equalTo("forbidden"));
        // a verify key may not add a fraud type by a change either
        Api.verify().body(Map.of("events", List.of("rule.deleted"))).patch("/v1/webhooks/" + mine).then()
                .statusCode(400).body("code", equalTo("event_not_allowed"));
        Api.verify().body(Map.of("enabled", false, "events", List.of("verification.failed")))
                .patch("/v1/webhooks/" + mine).then().statusCode(200).body("enabled", equalTo(false))
                .body("events", equalTo(List.of("verification.failed")));
        Api.verify().delete("/v1/webhooks/" + mine).then().statusCode(204);
        Api.verify().get("/v1/webhooks/" + mine).then().statusCode(404);
        Api.verify().get("/v1/webhooks/nope").then().statusCode(404);
    }

    @Test
    void rotationKeepsTheOldSecretSigningForADay() {
        String id = register(Api.VERIFY_KEY, List.of("*"));
        String rotated = Api.verify().post("/v1/webhooks/" + id + "/rotate-secret").then().statusCode(200)
                .body("secret", startsWith("whsec_")).body("previousSecretValidUntil", notNullValue())
                .extract().path("secret");
        Endpoint e = store.get(id).orElseThrow();
        assertThat(e.secrets()).hasSize(2);
        assertThat(e.signingSecrets(java.time.Instant.now())).hasSize(2);
        assertThat(e.signingSecrets(java.time.Instant.now().plus(java.time.Duration.ofHours(25)))).hasSize(1);
        assertThat(rotated).isNotBlank();
    }

    @Test
    void deliveriesTakeAKnownStatusAndALimit() {
        String id = register(Api.VERIFY_KEY, List.of("*"));
        Api.verify().get("/v1/webhooks/" + id + "/deliveries?status=lost").then().statusCode(400)
                .body("code", equalTo("invalid_request"));
        Api.verify().get("/v1/webhooks/" + id + "/deliveries?limit=0").then().statusCode(400);
        Api.verify().get("/v1/webhooks/" + id + "/deliveries?status=pending").then().statusCode(200)
                .body("items.size()", equalTo(0));
        Api.verify().body(Map.of("since", "yesterday")).post("/v1/webhooks/" + id + "/replay").then()
                .statusCode(400).body("code", equalTo("invalid_request"));
        Api.verify().body(Map.of()).post("/v1/webhooks/" + id + "/replay").then().statusCode(400);
    }
}
