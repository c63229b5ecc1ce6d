package io.callauth.console;

import io.callauth.verification.Api;
import io.callauth.webhooks.DeliveryLog;
import io.callauth.webhooks.Receiver;
import io.callauth.webhooks.WebhookStore;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Webhooks pages over HTTP: no secret in the HTML (not even after a rotation), every button's form refused
 * without the session's CSRF token (and nothing done), another key's endpoint shown without buttons and its actions
 * refused, an unknown endpoint 404. The test owns its endpoints (deleted after each test).
 */
@QuarkusTest
class WebhooksPageHttpTest {

    /** the test profile's second verify key (application.properties, %test) */
    static final String OTHER_KEY = "other-verify-key";

    @Inject
    WebhookStore store;
    @Inject
    DeliveryLog log;

    final List<String> created = new ArrayList<>();
    Receiver receiver;

    @BeforeEach
    void setUp() {
        receiver = Receiver.start();
    }

    @AfterEach
    void tearDown() {
        created.forEach(store::delete);
        receiver.close();
    }

    String[] register(String key, String path) {
        var r = Api.as(key).body(Map.of("url", receiver.url(path).toString(), "events", List.of("*")))
                .post("/v1/webhooks").then().statusCode(201).extract().response();
        created.add(r.path("id"));
        return new String[]{r.path("id"), r.path("secret")};
    }

    @Test
    void theListAndAnEndpointsPageShowNoSecretEvenAfterARotation() {
        String[] mine = register(Api.FRAUD_KEY, "/mine");
        String[] theirs = register(OTHER_KEY, "/theirs");
        String rotated = Api.as(Api.FRAUD_KEY).post("/v1/webhooks/" + mine[0] + "/rotate-secret").then()
                .statusCode(200).extract().path("secret");
        ConsoleHttp.Session s = ConsoleHttp.signIn(Api.FRAUD_KEY);

        for (String path : List.of("/console/webhooks", "/console/webhooks?window=7d", "/console/webhooks/" + mine[0],
                "/console/webhooks/" + theirs[0], "/console/webhooks/" + mine[0] + "?status=failed")) {
            Response page = s.given().get(path);
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            assertThat(page.header("Content-Security-Policy")).contains("script-src 'self'");
            String html = page.asString();
            assertThat(html).as(path).doesNotContain(mine[1]).doesNotContain(rotated).doesNotContain(theirs[1])
                    .doesNotContain("whsec_").doesNotContain("style=").doesNotContain("<script>");
        }
        String list = s.given().get("/console/webhooks").asString();
        assertThat(list).contains(mine[0]).contains(theirs[0]).contains(receiver.url("/theirs").toString());
        // buttons only on the signed-in key's own endpoint
        assertThat(list).contains("action=\"/console/webhooks/" + mine[0] + "/test\"")
                .doesNotContain("action=\"/console/webhooks/" + theirs[0] + "/test\"");
    }

    @Test
    void everyButtonIsRefusedWithoutTheSessionsCsrfTokenAndDoesNothing() {
        String[] mine = register(Api.FRAUD_KEY, "/mine");
        ConsoleHttp.Session s = ConsoleHttp.signIn(Api.FRAUD_KEY);
        ConsoleHttp.Session other = ConsoleHttp.signIn(Api.FRAUD_KEY);
        Map<String, Map<String, String>> forms = Map.of(
                "/test", Map.of("back", "list"),
                "/replay", Map.of("since", "2026-01-01T00:00", "back", "list"),
                "/enabled", Map.of("enabled", "false", "back", "list"));
        forms.forEach((action, fields) -> {
            for (String token : new String[]{null, "", "wrong", other.csrf()}) {
                var req = s.given().contentType("application/x-www-form-urlencoded").formParams(fields);
                if (token != null) {
                    req = req.formParam("_csrf", token);
                }
                Response r = req.post("/console/webhooks/" + mine[0] + action);
                assertThat(r.statusCode()).as(action + " with token " + token).isEqualTo(403);
            }
            // not a form at all
            assertThat(s.given().contentType("application/json").body("{\"_csrf\":\"" + s.csrf() + "\"}")
                    .post("/console/webhooks/" + mine[0] + action).statusCode()).isEqualTo(403);
        });
        assertThat(log.recent(mine[0], Optional.empty(), 10)).isEmpty();
        Api.as(Api.FRAUD_KEY).get("/v1/webhooks/" + mine[0]).then().statusCode(200)
                .body("enabled", org.hamcrest.Matchers.equalTo(true));

        // with the token: done, and back to the page the form was on
        Response ok = s.given().contentType("application/x-www-form-urlencoded").formParam("_csrf", s.csrf())
                .formParam("back", "detail").post("/console/webhooks/" + mine[0] + "/test");
        assertThat(ok.statusCode()).isEqualTo(303);
        assertThat(ok.header("Location")).contains("/console/webhooks/" + mine[0] + "?done=test");
        assertThat(log.recent(mine[0], Optional.empty(), 10)).singleElement()
                .satisfies(d -> assertThat(d.type()).isEqualTo("webhook.test"));
    }

    @Test
    void anotherKeysEndpointCannotBeChangedFromTheConsoleAndAnUnknownOneIsNotFound() {
        String[] theirs = register(OTHER_KEY, "/theirs");
        ConsoleHttp.Session s = ConsoleHttp.signIn(Api.FRAUD_KEY);
        for (String action : List.of("/test", "/enabled", "/replay")) {
            Response r = s.given().contentType("application/x-www-form-urlencoded").formParam("_csrf", s.csrf())
                    .formParam("enabled", "false").formParam("since", "2026-01-01T00:00")
                    .post("/console/webhooks/" + theirs[0] + action);
            assertThat(r.statusCode()).as(action).isEqualTo(403);
        }
        assertThat(log.recent(theirs[0], Optional.empty(), 10)).isEmpty();
        Api.as(OTHER_KEY).get("/v1/webhooks/" + theirs[0]).then().statusCode(200)
                .body("enabled", org.hamcrest.Matchers.equalTo(true));

        assertThat(s.given().get("/console/webhooks/wh_0000000000000000").statusCode()).isEqualTo(404);
        assertThat(s.given().get("/console/webhooks/<script>").statusCode()).isEqualTo(404);
        assertThat(s.given().contentType("application/x-www-form-urlencoded").formParam("_csrf", s.csrf())
                .post("/console/webhooks/wh_0000000000000000/test").statusCode()).isEqualTo(404);
        // a crafted notice says nothing but its own words
        String html = s.given().get("/console/webhooks?done=test&wh=<b>hi</b>&event=evt_<i>").asString();
        assertThat(html).doesNotContain("<b>hi</b>").doesNotContain("evt_<i>").contains("queued for the endpoint");
    }
}
