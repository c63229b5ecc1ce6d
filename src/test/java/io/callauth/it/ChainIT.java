package io.callauth.it;

import io.callauth.common.EmbeddedRedisConfigSource;
import io.callauth.provider.callpass.CallPassEmulator;
import io.callauth.provider.runtel.RuntelEmulator;
import io.callauth.provider.sunsim.SunSimEmulator;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/**
 * The packaged app with the whole chain, configured only through environment variables, survives any one provider
 * being down: the user still gets a call, and the code of that call approves.
 */
class ChainIT {

    static CallPassEmulator callpass;
    static SunSimEmulator sunsim;
    static RuntelEmulator runtel;
    static PackagedApp app;
    static int phones = 1000;

    @BeforeAll
    static void boot() throws Exception {
        callpass = CallPassEmulator.start(ProdJarIT.TOKEN);
        sunsim = SunSimEmulator.start("sunsim-auth");
        runtel = RuntelEmulator.start("ops@pbx", "pbx-pass");
        Map<String, String> env = ProdJarIT.env(EmbeddedRedisConfigSource.ensureStarted(), callpass.url());
        env.put("QUARKUS_REDIS_HOSTS", EmbeddedRedisConfigSource.ensureStarted());
        env.put("CALLAUTH_PROVIDERS_CALLPASS_URL", callpass.url());
        env.put("CALLAUTH_PROVIDERS_CALLPASS_API_VERSION", "v2");
        env.put("CALLAUTH_PROVIDERS_CHAIN", "callpass,sunsim,runtel");
        env.put("CALLAUTH_PROVIDERS_SUNSIM_URL", sunsim.url());
        env.put("CALLAUTH_PROVIDERS_SUNSIM_AUTHORIZATION_TOKEN", "sunsim-auth");
        env.put("CALLAUTH_PROVIDERS_SUNSIM_CALLER_IDS", "74950001122,74950003344");
        env.put("CALLAUTH_PROVIDERS_RUNTEL_URL", runtel.url());
        env.put("CALLAUTH_PROVIDERS_RUNTEL_LOGIN", "ops@pbx");
        env.put("CALLAUTH_PROVIDERS_RUNTEL_PASSWORD", "pbx-pass");
        env.put("CALLAUTH_PROVIDERS_RUNTEL_CALLER_IDS", "74951112233");
        env.put("CALLAUTH_RATE_LIMITS_DESTINATION", "off");
        app = PackagedApp.start(env);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().untilAsserted(() ->
                assertThat(RestAssured.given().baseUri(app.url()).get("/q/health/ready").statusCode()).isEqualTo(200));
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        callpass.close();
        sunsim.close();
        runtel.close();
    }

    private static ValidatableResponse start() {
        return RestAssured.given().baseUri(app.url()).header("Authorization", "Bearer dev-key-change-me")
                .contentType(ContentType.JSON).body("{\"phone\":\"+7916555" + (phones++) + "\"}")
                .post("/v1/verifications").then();
    }

    private static void check(String id, String code) {
        RestAssured.given().baseUri(app.url()).header("Authorization", "Bearer dev-key-change-me")
                .contentType(ContentType.JSON).body("{\"code\":\"" + code + "\"}")
                .post("/v1/verifications/" + id + "/check").then().statusCode(200).body("valid", equalTo(true));
    }

    @Test
    void survivesAnyOneProviderBeingDown() {
        // all up: CallPass first
        String id = start().statusCode(201).body("provider", equalTo("callpass")).extract().path("id");
        check(id, callpass.lastCall().code(4));

        // CallPass down: SunSim dials from its pool
        callpass.failWithHttp(503);
        id = start().statusCode(201).body("provider", equalTo("sunsim")).extract().path("id");
        String ext = sunsim.makeCalls().get(sunsim.makeCalls().size() - 1).get("extNum").toString();
        check(id, ext.substring(ext.length() - 4));
        callpass.failWithHttp(0);

        // SunSim down or Runtel down: CallPass still serves
        sunsim.failWithHttp(500);
        start().statusCode(201).body("provider", equalTo("callpass"));
        sunsim.failWithHttp(0);
        runtel.failWithHttp(500);
        start().statusCode(201).body("provider", not(equalTo("runtel")));
        runtel.failWithHttp(0);

        // CallPass and SunSim both down: Runtel
        callpass.failWithHttp(503);
        sunsim.failWithHttp(500);
        id = start().statusCode(201).body("provider", equalTo("runtel")).extract().path("id");
        check(id, "2233");
        assertThat(runtel.logins()).isEqualTo(1);
        assertThat(sunsim.creates()).isEqualTo(1);
    }
}
