package io.callauth.it;

import io.callauth.common.EmbeddedRedisConfigSource;
import io.callauth.provider.callpass.CallPassEmulator;
import io.callauth.provider.runtel.RuntelEmulator;
import io.callauth.provider.sunsim.SunSimEmulator;
import io.callauth.provider.yunhu.YunhuEmulator;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * The packaged app with the whole chain, configured only through environment variables, survives any one provider
 * being down: the user still gets a call, and the code of that call approves. Each provider is taken down alone, the
 * middle ones included, with a call that has to get past it (a start for the first, a resend for the others).
 */
class ChainIT {

    static CallPassEmulator callpass;
    static YunhuEmulator yunhu;
    static SunSimEmulator sunsim;
    static RuntelEmulator runtel;
    static PackagedApp app;
    static int phones = 1000;

    @BeforeAll
    static void boot() throws Exception {
        callpass = CallPassEmulator.start(ProdJarIT.TOKEN);
        yunhu = YunhuEmulator.start("yh-app", "yh-key", Set.of("7003"), Set.of("2190245566"));
        sunsim = SunSimEmulator.start("sunsim-auth");
        runtel = RuntelEmulator.start("ops@pbx", "pbx-pass");
        Map<String, String> env = ProdJarIT.env(EmbeddedRedisConfigSource.ensureStarted(), callpass.url());
        // its own Redis database: calls left in the shared tracker by other ITs' replicas (ArchiveIT kills one
        // mid-call) would otherwise be followed by this app against these emulators and fall back through them
        env.put("QUARKUS_REDIS_HOSTS", EmbeddedRedisConfigSource.ensureStarted() + "/1");
        env.put("CALLAUTH_PROVIDERS_CALLPASS_URL", callpass.url());
        env.put("CALLAUTH_PROVIDERS_CALLPASS_API_VERSION", "v2");
        env.put("CALLAUTH_PROVIDERS_CHAIN", "callpass,yunhu,sunsim,runtel");
        ProdJarIT.yunhu(env, yunhu.url(), "yh-callback-secret", "2190245566");
        env.put("CALLAUTH_PROVIDERS_SUNSIM_URL", sunsim.url());
        env.put("CALLAUTH_PROVIDERS_SUNSIM_AUTHORIZATION_TOKEN", "sunsim-auth");
        env.put("CALLAUTH_PROVIDERS_SUNSIM_CALLER_IDS", "74950001122,74950003344");
        env.put("CALLAUTH_PROVIDERS_RUNTEL_URL", runtel.url());
        env.put("CALLAUTH_PROVIDERS_RUNTEL_LOGIN", "ops@pbx");
        env.put("CALLAUTH_PROVIDERS_RUNTEL_PASSWORD", "pbx-pass");
        env.put("CALLAUTH_PROVIDERS_RUNTEL_CALLER_IDS", "74951112233");
        env.put("CALLAUTH_RATE_LIMITS_DESTINATION", "off");
        // the chain's own order under test: adaptive routing would move a provider that failed behind the others
        env.put("CALLAUTH_ROUTING_MODE", "static");
        app = PackagedApp.start(env);
        yunhu.callbacksTo(app.url() + "/callbacks/yunhu/yh-callback-secret");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().untilAsserted(() ->
                assertThat(RestAssured.given().baseUri(app.managementUrl()).get("/q/health/ready").statusCode()).isEqualTo(200));
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        callpass.close();
        yunhu.close();
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

    private static String callStatus(String id) {
        return RestAssured.given().baseUri(app.url()).header("Authorization", "Bearer dev-key-change-me")
                .get("/v1/verifications/" + id).then().statusCode(200).extract().path("callStatus");
    }

    private static java.util.List<java.util.Map<String, Object>> events(String id) {
        return RestAssured.given().baseUri(app.url()).header("Authorization", "Bearer dev-key-change-me")
                .get("/v1/verifications/" + id).then().statusCode(200).extract().jsonPath().getList("events");
    }

    /** calls each emulator has accepted so far, in chain order */
    private static int[] placed() {
        return new int[]{callpass.calls().size(), yunhu.calls().size(), sunsim.makeCalls().size(), runtel.calls().size()};
    }

    private static final java.util.List<String> CHAIN = java.util.List.of("callpass", "yunhu", "sunsim", "runtel");

    /** the call went to {@code provider} and to no other, and each provider in {@code down} was tried and failed */
    private static void servedBy(String id, String provider, int[] before, java.util.List<String> down) {
        servedBy(id, provider, before, java.util.List.of(provider), down);
    }

    /**
     * the last call went to {@code provider} and to no other, the verification's calls so far were placed by
     * {@code placed} in order, and the providers in {@code down} were tried and failed, in that order
     */
    private static void servedBy(String id, String provider, int[] before, java.util.List<String> placed,
                                 java.util.List<String> down) {
        int[] after = placed();
        for (int i = 0; i < CHAIN.size(); i++) {
            assertThat(after[i] - before[i]).as("calls accepted by %s", CHAIN.get(i))
                    .isEqualTo(CHAIN.get(i).equals(provider) ? 1 : 0);
        }
        java.util.List<java.util.Map<String, Object>> ev = events(id);
        assertThat(ev).filteredOn(e -> "call_placed".equals(e.get("type"))).extracting(e -> e.get("provider"))
                .containsExactlyElementsOf(placed);
        assertThat(ev).filteredOn(e -> "call_failed".equals(e.get("type"))).extracting(e -> e.get("provider"))
                .as("the providers down were really tried, in chain order").containsExactlyElementsOf(down);
    }

    /** a resend: to {@code provider}, or (null) to the next provider of the chain after the current one */
    private static ValidatableResponse resend(String id, String provider) {
        return RestAssured.given().baseUri(app.url()).header("Authorization", "Bearer dev-key-change-me")
                .contentType(ContentType.JSON).body(provider == null ? "{}" : "{\"provider\":\"" + provider + "\"}")
                .post("/v1/verifications/" + id + "/resend").then();
    }

    /** the code of SunSim's last call: the last 4 digits of the number it dialled from */
    private static String sunsimCode() {
        String ext = sunsim.makeCalls().get(sunsim.makeCalls().size() - 1).get("extNum").toString();
        return ext.substring(ext.length() - 4);
    }

    @Test
    void survivesAnyOneProviderBeingDown() {
        // all up: CallPass first, nothing fails
        int[] before = placed();
        String id = start().statusCode(201).body("provider", equalTo("callpass")).extract().path("id");
        servedBy(id, "callpass", before, java.util.List.of());
        check(id, callpass.lastCall().code(4));

        // Each provider down alone, the others up, and a call that has to get past it: the chain tries it, it
        // fails, and the next provider up serves.

        // CallPass down (the first): a start tries it, Yunhu dials from its pool, its callback says the phone rang
        callpass.failWithHttp(503);
        before = placed();
        String yid = start().statusCode(201).body("provider", equalTo("yunhu")).extract().path("id");
        servedBy(yid, "yunhu", before, java.util.List.of("callpass"));
        await().atMost(Duration.ofSeconds(10)).until(() -> "delivered".equals(callStatus(yid)));
        check(yid, "5566");
        callpass.failWithHttp(0);

        // Yunhu down (a middle one): CallPass serves the start; the resend goes to the provider after CallPass,
        // Yunhu, which fails, and on to SunSim
        yunhu.failWithHttp(502);
        before = placed();
        id = start().statusCode(201).body("provider", equalTo("callpass")).extract().path("id");
        servedBy(id, "callpass", before, java.util.List.of());
        before = placed();
        resend(id, null).statusCode(200).body("provider", equalTo("sunsim"));
        servedBy(id, "sunsim", before, java.util.List.of("callpass", "sunsim"), java.util.List.of("yunhu"));
        check(id, sunsimCode());
        yunhu.failWithHttp(0);

        // SunSim down (the other middle one): a resend to Yunhu, then one to the provider after Yunhu, SunSim,
        // which fails, and on to Runtel
        sunsim.failWithHttp(500);
        id = start().statusCode(201).body("provider", equalTo("callpass")).extract().path("id");
        resend(id, "yunhu").statusCode(200).body("provider", equalTo("yunhu"));
        before = placed();
        resend(id, null).statusCode(200).body("provider", equalTo("runtel"));
        servedBy(id, "runtel", before, java.util.List.of("callpass", "yunhu", "runtel"), java.util.List.of("sunsim"));
        check(id, "2233");
        sunsim.failWithHttp(0);

        // Runtel down (the last): a resend to SunSim, then one to the provider after SunSim, Runtel, which fails,
        // and round the chain to CallPass
        runtel.failWithHttp(500);
        id = start().statusCode(201).body("provider", equalTo("callpass")).extract().path("id");
        resend(id, "sunsim").statusCode(200).body("provider", equalTo("sunsim"));
        before = placed();
        resend(id, null).statusCode(200).body("provider", equalTo("callpass"));
        servedBy(id, "callpass", before, java.util.List.of("callpass", "sunsim", "callpass"),
                java.util.List.of("runtel"));
        check(id, callpass.lastCall().code(4));
        runtel.failWithHttp(0);

        // all up again: CallPass serves, nothing fails
        before = placed();
        id = start().statusCode(201).body("provider", equalTo("callpass")).extract().path("id");
        servedBy(id, "callpass", before, java.util.List.of());

        // a provider that was down and came back kept its session: one sign-in each
        assertThat(yunhu.logins()).isEqualTo(1);
        assertThat(runtel.logins()).isEqualTo(1);
        assertThat(sunsim.creates()).isEqualTo(1);
    }
}
