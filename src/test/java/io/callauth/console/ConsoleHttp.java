package io.callauth.console;

import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Console helpers for HTTP-level tests: sign in through the form and keep the session cookie. */
final class ConsoleHttp {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private ConsoleHttp() {
    }

    /** a signed-in console session: its cookie value and its CSRF token */
    record Session(String cookie, String csrf) {
        RequestSpecification given() {
            return RestAssured.given().redirects().follow(false).cookie(ConsoleFilter.COOKIE, cookie);
        }
    }

    static RequestSpecification anonymous() {
        return RestAssured.given().redirects().follow(false);
    }

    /** the sign-in form: its pre-session cookie and token */
    static String[] signInForm() {
        Response r = anonymous().get("/console/sign-in");
        assertThat(r.statusCode()).isEqualTo(200);
        return new String[]{r.getCookie(ConsoleFilter.PRE_COOKIE), csrf(r.asString())};
    }

    static Response postSignIn(String key) {
        String[] form = signInForm();
        return anonymous().cookie(ConsoleFilter.PRE_COOKIE, form[0]).contentType("application/x-www-form-urlencoded")
                .formParam("_csrf", form[1]).formParam("key", key).post("/console/sign-in");
    }

    static Session signIn(String key) {
        Response r = postSignIn(key);
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(303);
        String cookie = r.getCookie(ConsoleFilter.COOKIE);
        assertThat(cookie).isNotBlank();
        Response page = RestAssured.given().redirects().follow(false).cookie(ConsoleFilter.COOKIE, cookie)
                .get("/console/rules");
        assertThat(page.statusCode()).isEqualTo(200);
        return new Session(cookie, csrf(page.asString()));
    }

    static String csrf(String html) {
        Matcher m = CSRF.matcher(html);
        assertThat(m.find()).as("a CSRF field in the page").isTrue();
        return m.group(1);
    }
}
