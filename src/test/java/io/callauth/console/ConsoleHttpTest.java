package io.callauth.console;

import io.callauth.rules.Rules;
import io.callauth.verification.Api;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * The console's edges over HTTP: the session gate, sign-in with the right and the wrong keys, the session in Redis
 * (hashed id, 8 h TTL, gone at sign-out), the cookie's attributes, CSRF on every POST, the console's security
 * headers, and what the API key filter leaves to the console.
 */
@QuarkusTest
class ConsoleHttpTest {

    @Inject
    RedisDataSource redis;
    @Inject
    Rules rules;

    static final List<String> PAGES = List.of("/console", "/console/attempts", "/console/rules",
            "/console/verifications/vf_0123", "/console/calls/abc/recording", "/console/attempts/export",
            "/console/attempts/stats", "/console?window=15m",
            "/console/nothing-here");

    @Test
    void withoutASessionEveryRouteSendsTheBrowserToSignIn() {
        for (String p : PAGES) {
            ConsoleHttp.anonymous().get(p).then().statusCode(303).header("Location", startsWith("http"))
                    .header("Location", containsString("/console/sign-in"));
            // htmx requests are told where to go instead of swapping the sign-in page into a fragment
            ConsoleHttp.anonymous().header("HX-Request", "true").get(p).then().statusCode(200)
                    .header("HX-Redirect", "/console/sign-in");
        }
        // a cookie that names no session is the same as none
        ConsoleHttp.anonymous().cookie(ConsoleFilter.COOKIE, "x".repeat(43)).get("/console").then().statusCode(303);
        // POSTs too: no session, no action (and no hint whether the CSRF token was right)
        ConsoleHttp.anonymous().contentType("application/x-www-form-urlencoded").formParam("_csrf", "x")
                .post("/console/rules").then().statusCode(303);
    }

    @Test
    void noPageCarriesAnInlineStyleOrScriptTheCspWouldRefuse() {
        ConsoleHttp.Session s = ConsoleHttp.signIn(Api.FRAUD_KEY);
        for (String p : List.of("/console?window=15m", "/console?window=1h", "/console?window=24h", "/console/attempts",
                "/console/attempts/stats", "/console/rules", "/console/rules?field=prefix&value=7958&reason=x",
                "/console/verifications/vf_0123", "/console?window=custom&from=2026-01-01T00:00&to=2026-01-01T05:00")) {
            String html = s.given().get(p).then().statusCode(200).extract().asString();
            assertThat(html).as(p).doesNotContainPattern("(?i)\\sstyle\\s*=").doesNotContainIgnoringCase("<style")
                    .doesNotContainPattern("(?i)\\son[a-z]+\\s*=").doesNotContainIgnoringCase("javascript:");
            // inline scripts: only JSON data blocks
            assertThat(html.replaceAll("(?s)<script type=\"application/json\"[^>]*>.*?</script>", ""))
                    .as(p).doesNotContainPattern("<script(?![^>]*\\ssrc=)");
        }
        String html = ConsoleHttp.anonymous().get("/console/sign-in").then().statusCode(200).extract().asString();
        assertThat(html).doesNotContainPattern("(?i)\\sstyle\\s*=").doesNotContainIgnoringCase("<style");
    }

    @Test
    void aWrongCustomRangeIsSaidOnTheOverviewWhichShowsItsDefaultWindow() {
        ConsoleHttp.Session s = ConsoleHttp.signIn(Api.FRAUD_KEY);
        s.given().get("/console?window=custom&from=2026-12-02T00:00&to=2026-12-01T00:00").then().statusCode(200)
                .body(containsString("id=\"range-error\"")).body(containsString("must be before"));
        s.given().get("/console?window=custom&from=2026-01-01T00:00&to=2026-12-01T00:00").then().statusCode(200)
                .body(containsString("at most 31 days"));
    }

    @Test
    void theApiKeyFilterLeavesTheConsoleAndItsAssetsToTheConsole() {
        ConsoleHttp.anonymous().get("/console/sign-in").then().statusCode(200)
                .contentType(containsString("text/html")).body(containsString("name=\"key\""));
        RestAssured.get("/webjars/htmx.org/2.0.8/dist/htmx.min.js").then().statusCode(200);
        RestAssured.get("/webjars/chartjs/4.4.3/dist/chart.umd.js").then().statusCode(200);
        RestAssured.get("/console-assets/console.css").then().statusCode(200);
        RestAssured.get("/console-assets/console.js").then().statusCode(200);
        // and the API still wants its key
        RestAssured.get("/v1/attempts").then().statusCode(401);
    }

    @Test
    void aFraudKeySignsInToAnHttpOnlyStrictCookieAndASessionStoredHashedInRedisFor8Hours() {
        Response r = ConsoleHttp.postSignIn(Api.FRAUD_KEY);
        r.then().statusCode(303).header("Location", containsString("/console"));
        String setCookie = r.getHeaders().getValues("Set-Cookie").stream()
                .filter(h -> h.startsWith(ConsoleFilter.COOKIE + "=")).findFirst().orElseThrow();
        assertThat(setCookie).contains("HttpOnly").containsIgnoringCase("SameSite=Strict").contains("Path=/console")
                .contains("Max-Age=28800").contains("Secure");
        String id = r.getCookie(ConsoleFilter.COOKIE);
        assertThat(id).hasSizeGreaterThanOrEqualTo(43);

        // Redis holds the session under the SHA-256 of the id, never the id itself, and it lives 8 hours
        assertThat(redis.key().keys(ConsoleSessions.PREFIX + "*")).noneMatch(k -> k.contains(id));
        String key = ConsoleSessions.PREFIX + sha256(id);
        long ttl = redis.key().pttl(key);
        assertThat(ttl).isBetween(8 * 3_600_000L - 60_000, 8 * 3_600_000L);
        String stored = redis.value(String.class).get(key);
        assertThat(stored).contains("\"user\":\"fraud\"").doesNotContain(Api.FRAUD_KEY).doesNotContain(id);

        ConsoleHttp.anonymous().cookie(ConsoleFilter.COOKIE, id).get("/console").then().statusCode(200)
                .body(containsString("Overview")).body(containsString("fraud"))
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .header("Referrer-Policy", "same-origin").header("Cache-Control", "no-store")
                .header("X-Frame-Options", "DENY");
    }

    @Test
    void aWrongKeyAndAVerifyKeyCannotSignIn() {
        ConsoleHttp.postSignIn("not-a-key").then().statusCode(401)
                .body(containsString("That key is not a valid API key."))
                .header("Set-Cookie", org.hamcrest.Matchers.not(containsString(ConsoleFilter.COOKIE + "=")));
        ConsoleHttp.postSignIn(Api.VERIFY_KEY).then().statusCode(403)
                .body(containsString("has no fraud role"))
                .body(org.hamcrest.Matchers.not(containsString(Api.VERIFY_KEY)));
        ConsoleHttp.postSignIn("").then().statusCode(401);
    }

    @Test
    void theSignInFormNeedsItsCsrfToken() {
        String[] form = ConsoleHttp.signInForm();
        // no token
        ConsoleHttp.anonymous().cookie(ConsoleFilter.PRE_COOKIE, form[0]).contentType("application/x-www-form-urlencoded")
                .formParam("key", Api.FRAUD_KEY).post("/console/sign-in").then().statusCode(403)
                .contentType(containsString("application/problem+json")).body("code", equalTo("forbidden"));
        // a token without its cookie (another site's form)
        ConsoleHttp.anonymous().contentType("application/x-www-form-urlencoded").formParam("_csrf", form[1])
                .formParam("key", Api.FRAUD_KEY).post("/console/sign-in").then().statusCode(403);
    }

    @Test
    void everyPostWithoutTheSessionsCsrfTokenIsRefused() {
        ConsoleHttp.Session s = ConsoleHttp.signIn(Api.FRAUD_KEY);
        ConsoleHttp.Session other = ConsoleHttp.signIn(Api.FRAUD_KEY);
        Map<String, Map<String, String>> posts = Map.of(
                "/console/rules", Map.of("action", "block", "mode", "enforce", "field", "phone",
                        "value", "+79160000001", "reason", "csrf test"),
                "/console/rules/rl_0123456789abcdef/delete", Map.of(),
                "/console/dev/seed", Map.of(),
                "/console/sign-out", Map.of());
        long before = rules.list().await().indefinitely().size();
        posts.forEach((path, fields) -> {
            for (String token : new String[]{null, "", "wrong", other.csrf()}) {
                var req = s.given().contentType("application/x-www-form-urlencoded").formParams(fields);
                if (token != null) {
                    req = req.formParam("_csrf", token);
                }
                req.post(path).then().statusCode(403).body("code", equalTo("forbidden"));
            }
        });
        assertThat(rules.list().await().indefinitely()).hasSize((int) before);
        // the session survived the refused sign-out
        s.given().get("/console").then().statusCode(200);
    }

    @Test
    void withoutCostsConfiguredTheOverviewShowsNoSpend() {
        // spend and prevented calls need costs (callauth.providers.<name>.cost): SpendOverviewTest configures them
        ConsoleHttp.Session s = ConsoleHttp.signIn(Api.FRAUD_KEY);
        String html = s.given().get("/console?window=24h").then().statusCode(200).extract().asString();
        assertThat(html).contains("id=\"by-provider\"").doesNotContain("id=\"spend\"", "data-stat=\"spend\"",
                "spend-by-");
    }

    @Test
    void aRuleAddedInTheConsoleNamesTheConsoleUserInTheAuditTrailAndSignOutEndsTheSession() {
        ConsoleHttp.Session s = ConsoleHttp.signIn(Api.FRAUD_KEY);
        String phone = Api.newPhone();
        s.given().contentType("application/x-www-form-urlencoded").formParam("_csrf", s.csrf())
                .formParam("action", "block").formParam("mode", "enforce").formParam("field", "phone")
                .formParam("value", phone).formParam("reason", "bombing seen in the console")
                .post("/console/rules").then().statusCode(303).header("Location", containsString("/console/rules"));
        var rule = rules.list().await().indefinitely().stream().filter(r -> phone.equals(r.value())).findFirst()
                .orElseThrow();
        assertThat(rule.createdBy()).isEqualTo("console:fraud");
        var entry = rules.audit(10).await().indefinitely().stream().filter(e -> rule.id().equals(e.ruleId()))
                .findFirst().orElseThrow();
        assertThat(entry.actor()).isEqualTo("console:fraud").doesNotContain(Api.FRAUD_KEY);
        // the page lists it with its audit entry
        s.given().get("/console/rules").then().statusCode(200).body(containsString(rule.id()))
                .body(containsString("console:fraud"));
        // the start is refused
        Api.start(phone).statusCode(403).body("code", equalTo("destination_not_allowed"));

        // a bad rule is shown on the page, not a 500
        s.given().contentType("application/x-www-form-urlencoded").formParam("_csrf", s.csrf())
                .formParam("action", "block").formParam("mode", "enforce").formParam("field", "country")
                .formParam("value", "Russia").formParam("reason", "x").post("/console/rules").then().statusCode(400)
                .contentType(containsString("text/html")).body(containsString("two-letter ISO region"));

        // remove it
        s.given().contentType("application/x-www-form-urlencoded").formParam("_csrf", s.csrf())
                .post("/console/rules/" + rule.id() + "/delete").then().statusCode(303);
        assertThat(rules.list().await().indefinitely()).noneMatch(r -> r.id().equals(rule.id()));
        assertThat(rules.audit(10).await().indefinitely()).anyMatch(e -> rule.id().equals(e.ruleId())
                && e.action().equals("delete") && e.actor().equals("console:fraud"));

        // sign out: the Redis key is gone and the cookie opens nothing any more
        String key = ConsoleSessions.PREFIX + sha256(s.cookie());
        assertThat(redis.key().exists(key)).isTrue();
        Response out = s.given().contentType("application/x-www-form-urlencoded").formParam("_csrf", s.csrf())
                .post("/console/sign-out");
        out.then().statusCode(303).header("Location", containsString("/console/sign-in"));
        assertThat(out.getHeaders().getValues("Set-Cookie")).anyMatch(h -> h.startsWith(ConsoleFilter.COOKIE + "=;")
                || h.startsWith(ConsoleFilter.COOKIE + "=\"\";") || h.contains("Max-Age=0"));
        assertThat(redis.key().exists(key)).isFalse();
        s.given().get("/console/rules").then().statusCode(303);
    }

    @Test
    void pagesAnswerBadInputOnThePageOrWith404NeverA500() {
        ConsoleHttp.Session s = ConsoleHttp.signIn(Api.FRAUD_KEY);
        s.given().get("/console/attempts?phone=not-a-phone").then().statusCode(200)
                .body(containsString("the phone filter is not a phone number"));
        s.given().get("/console/attempts?from=yesterday").then().statusCode(200)
                .body(containsString("from must be an RFC 3339 date-time with an offset"));
        s.given().get("/console/attempts?cursor=bogus").then().statusCode(200)
                .body(containsString("cursor is not one this API gave out"));
        s.given().get("/console/verifications/has%20space").then().statusCode(404).body("code", equalTo("not_found"));
        s.given().get("/console?window=1y").then().statusCode(200).body(containsString("data-window=\"24h\""));
        // no recording: 404 not_found (the provider keeps none)
        s.given().get("/console/calls/cr_unknown/recording").then().statusCode(404).body("code", equalTo("not_found"));
        // the export is the API's CSV
        s.given().get("/console/attempts/export?appId=nothing-matches").then().statusCode(200)
                .contentType(containsString("text/csv")).body(startsWith("id,at,type,verificationId,phone"));
    }

    @Test
    void anUnknownConsolePathIsNotFoundWhenSignedInAndTheSignInRedirectOtherwise() {
        ConsoleHttp.Session s = ConsoleHttp.signIn(Api.FRAUD_KEY);
        // "/console/sign-in/" is routed to the sign-in page too, but it is not the sign-in page's path
        for (String p : List.of("/console/sign-in/", "/console/nothing-here", "/console/attempts/nothing",
                "/console/sign-in/x", "/console/a/b/c", "/console/nothing.html")) {
            Response r = s.given().accept("text/html,application/xhtml+xml,*/*;q=0.8").get(p);
            assertThat(r.statusCode()).as("%s signed in: %s", p, r.asString()).isEqualTo(404);
            assertThat(r.contentType()).as(p).contains("application/problem+json");
            assertThat(r.asString()).as(p).contains("\"not_found\"").doesNotContain("name=\"key\"");
            Response anonymous = ConsoleHttp.anonymous().get(p);
            assertThat(anonymous.statusCode()).as("%s anonymous: %s", p, anonymous.asString()).isEqualTo(303);
            assertThat(anonymous.header("Location")).as(p).contains("/console/sign-in");
        }
        // nor does the form post there sign in again
        String[] form = ConsoleHttp.signInForm();
        s.given().cookie(ConsoleFilter.PRE_COOKIE, form[0]).contentType("application/x-www-form-urlencoded")
                .formParam("_csrf", form[1]).formParam("key", Api.FRAUD_KEY).post("/console/sign-in/").then()
                .statusCode(404).body("code", equalTo("not_found"));
        // the sign-in page itself is where it was
        ConsoleHttp.anonymous().get("/console/sign-in").then().statusCode(200).body(containsString("name=\"key\""));
        s.given().get("/console/sign-in").then().statusCode(200);
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
    private void forgetSignInAttempts() {
        List<String> buckets = redis.key().keys("ca:rl:" + SignInLimit.RULE + ":*");
        if (!buckets.isEmpty()) {
            redis.key().del(buckets.toArray(String[]::new));
        }
    }

    @Test
    void failedSignInsAreLimitedPerAddressAndSuccessfulOnesDoNotCount() {
        forgetSignInAttempts();
        try {
            // successful sign-ins give their attempt back: more than the allowance in a row are fine
            for (int i = 0; i < 12; i++) {
                ConsoleHttp.signIn(Api.FRAUD_KEY);
            }
            for (int i = 0; i < 10; i++) {
                ConsoleHttp.postSignIn("guess-" + i).then().statusCode(401);
            }
            // the address has used its allowance (10 per 15 minutes): even the right key waits now
            ConsoleHttp.postSignIn(Api.FRAUD_KEY).then().statusCode(429)
                    .header("Retry-After", org.hamcrest.Matchers.matchesPattern("[0-9]+"))
                    .header("Set-Cookie", org.hamcrest.Matchers.not(containsString(ConsoleFilter.COOKIE + "=")))
                    .body(containsString("Too many failed sign-ins"));
        } finally {
            forgetSignInAttempts();
        }
        ConsoleHttp.signIn(Api.FRAUD_KEY);
    }
}
