package io.callauth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callauth.client.ApiClient;
import io.callauth.client.ApiException;
import io.callauth.client.ApiResponse;
import io.callauth.client.api.ClientAppsApi;
import io.callauth.client.model.CheckRequest;
import io.callauth.client.model.CheckResult;
import io.callauth.client.model.ClientContext;
import io.callauth.client.model.Problem;
import io.callauth.client.model.StartRequest;
import io.callauth.client.model.TimelineEvent;
import io.callauth.client.model.Verification;
import io.callauth.common.EmbeddedRedisConfigSource;
import io.callauth.provider.callpass.CallPassEmulator;
import io.restassured.RestAssured;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * The published OpenAPI document is one a generated client can live on. The build stores the document
 * ({@code target/openapi}, quarkus:build) and generates a Java client from it (openapi-generator, {@code java} /
 * {@code native}, see pom.xml); this test runs the packaged app (prod profile, env only) and drives it through that
 * client: start (a typed 201 with its headers), check with the code the CallPass emulator showed, get with the
 * timeline, and a second check whose 409 decodes into the generated {@code Problem}. It also proves that the document
 * the app serves is the one the client was generated from, and that it shows no callbacks, sandbox or internal types.
 *
 * <p>The generated client exists only after package, so pom.xml leaves this class out of the first testCompile and
 * compiles it, with the client, in pre-integration-test. {@code quarkus:dev} ignores compiler excludes: until a
 * {@code ./mvnw verify} has generated and compiled the client, it reports this class as a test compile failure (only
 * continuous testing is affected; the app runs).
 */
class GeneratedClientIT {

    static final String KEY = "dev-key-change-me";
    static CallPassEmulator callpass;
    static PackagedApp app;
    static ApiClient client;
    static ClientAppsApi api;

    @BeforeAll
    static void boot() throws Exception {
        callpass = CallPassEmulator.start(ProdJarIT.TOKEN);
        app = PackagedApp.start(ProdJarIT.env(EmbeddedRedisConfigSource.ensureStarted(), callpass.url()));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().untilAsserted(() ->
                assertThat(RestAssured.given().baseUri(app.managementUrl()).get("/q/health/ready").statusCode())
                        .isEqualTo(200));
        client = new ApiClient();
        client.updateBaseUri(app.url());
        client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + KEY));
        api = new ClientAppsApi(client);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[]{app, callpass}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void startCheckGetAndATypedConflictThroughTheGeneratedClient() throws Exception {
        String idempotencyKey = "it-" + UUID.randomUUID();
        StartRequest start = new StartRequest().phone("8 916 555-07-31")
                .context(new ClientContext().appId("generated-client").ip("198.51.100.23"));

        ApiResponse<Verification> started = api.startVerificationWithHttpInfo(start, idempotencyKey);
        assertThat(started.getStatusCode()).isEqualTo(201);
        Verification v = started.getData();
        assertThat(v.getId()).matches("vf_[0-9a-f]{32}");
        assertThat(v.getStatus()).isEqualTo(Verification.StatusEnum.PENDING);
        assertThat(v.getPhone()).isEqualTo("+79165550731");
        assertThat(v.getChannel()).isEqualTo(Verification.ChannelEnum.FLASHCALL);
        assertThat(v.getCallStatus()).isIn(Verification.CallStatusEnum.CALLING, Verification.CallStatusEnum.DELIVERED);
        assertThat(v.getProvider()).isEqualTo("callpass");
        assertThat(v.getCodeLength()).isEqualTo(4);
        assertThat(v.getAttemptsLeft()).isEqualTo(5);
        assertThat(v.getCallsLeft()).isEqualTo(2);
        assertThat(v.getExpiresAt()).isAfter(v.getCreatedAt());
        assertThat(v.getEvents()).as("the timeline is only in getVerification").isNull();
        assertThat(header(started, "Location")).endsWith("/v1/verifications/" + v.getId());
        assertThat(header(started, "Idempotent-Replayed")).isNull();

        // the same Idempotency-Key again: the same verification, said to be a replay
        ApiResponse<Verification> replayed = api.startVerificationWithHttpInfo(start, idempotencyKey);
        assertThat(replayed.getStatusCode()).isEqualTo(201);
        assertThat(replayed.getData().getId()).isEqualTo(v.getId());
        assertThat(header(replayed, "Idempotent-Replayed")).isEqualTo("true");

        String code = callpass.lastCall().code(4);
        CheckResult checked = api.checkVerification(v.getId(), new CheckRequest().code(code));
        assertThat(checked.getId()).isEqualTo(v.getId());
        assertThat(checked.getValid()).isTrue();
        assertThat(checked.getStatus()).isEqualTo(CheckResult.StatusEnum.APPROVED);
        assertThat(checked.getAttemptsLeft()).isEqualTo(4);

        Verification got = api.getVerification(v.getId());
        assertThat(got.getStatus()).isEqualTo(Verification.StatusEnum.APPROVED);
        assertThat(got.getEvents()).extracting(TimelineEvent::getType).containsSubsequence(
                TimelineEvent.TypeEnum.STARTED, TimelineEvent.TypeEnum.CALL_PLACED, TimelineEvent.TypeEnum.CHECK,
                TimelineEvent.TypeEnum.APPROVED);
        TimelineEvent placed = got.getEvents().stream().filter(e -> e.getType() == TimelineEvent.TypeEnum.CALL_PLACED)
                .findFirst().orElseThrow();
        assertThat(placed.getProvider()).isEqualTo("callpass");
        assertThat(placed.getChannel()).isEqualTo(TimelineEvent.ChannelEnum.FLASHCALL);
        assertThat(placed.getAt()).isNotNull();
        assertThat(got.getEvents()).filteredOn(e -> e.getType() == TimelineEvent.TypeEnum.CHECK)
                .extracting(TimelineEvent::getValid).containsExactly(true);

        // approved: checking again is a 409, its body the generated Problem
        ApiException conflict = catchThrowableOfType(ApiException.class,
                () -> api.checkVerification(v.getId(), new CheckRequest().code(code)));
        assertThat(conflict.getCode()).isEqualTo(409);
        assertThat(conflict.getResponseHeaders().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("application/problem+json"));
        Problem problem = problem(conflict);
        assertThat(problem.getCode()).isEqualTo(Problem.CodeEnum.ALREADY_APPROVED);
        assertThat(problem.getStatus()).isEqualTo(409);
        assertThat(problem.getTitle()).isEqualTo("Conflict");
        assertThat(problem.getType()).isEqualTo("urn:callauth:problem:already_approved");
        assertThat(problem.getDetail()).isNotBlank();
    }

    @Test
    void aMissingApiKeyIsATypedUnauthorized() throws Exception {
        ApiClient anonymous = new ApiClient();
        anonymous.updateBaseUri(app.url());
        ApiException e = catchThrowableOfType(ApiException.class,
                () -> new ClientAppsApi(anonymous).getVerification("vf_00000000000000000000000000000000"));
        assertThat(e.getCode()).isEqualTo(401);
        assertThat(e.getResponseHeaders().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(problem(e).getCode()).isEqualTo(Problem.CodeEnum.UNAUTHORIZED);
    }

    @Test
    void theServedDocumentIsTheOneTheClientWasGeneratedFrom() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode served = json.readTree(RestAssured.given().baseUri(app.managementUrl()).queryParam("format", "json")
                .get("/q/openapi").then().statusCode(200).extract().asString());
        JsonNode generatedFrom = json.readTree(Files.readString(Path.of("target/openapi/openapi.json")));
        assertThat(served).isEqualTo(generatedFrom);

        // every public operation: a stable operationId and one audience tag (see io.callauth.openapi.OpenApiDoc);
        // anything else (callbacks, sandbox) is @Operation(hidden = true)
        List<String> operationIds = new ArrayList<>();
        served.path("paths").properties().forEach(path -> {
            assertThat(path.getKey()).as("public paths only").startsWith("/v1/");
            path.getValue().properties().forEach(op -> {
                String where = op.getKey().toUpperCase() + " " + path.getKey();
                assertThat(op.getValue().path("operationId").asText())
                        .as(where + " needs @Operation(operationId = ...)").isNotBlank();
                JsonNode tags = op.getValue().path("tags");
                assertThat(tags.size()).as(where + " needs one audience @Tag").isEqualTo(1);
                assertThat(tags.get(0).asText()).as(where + ": @Tag(name = OpenApiDoc.CLIENT_APPS or FRAUD_TEAM)")
                        .isIn("client apps", "fraud team");
                operationIds.add(op.getValue().path("operationId").asText());
            });
        });
        assertThat(operationIds).contains("startVerification", "getVerification", "checkVerification",
                "checkVerificationByPhone", "resendVerification", "cancelVerification", "listAttempts",
                "summarizeAttempts", "exportAttempts").doesNotHaveDuplicates();
        assertThat(served.path("servers")).isNotEmpty();
        Set<String> schemas = new TreeSet<>();
        served.path("components").path("schemas").fieldNames().forEachRemaining(schemas::add);
        assertThat(schemas).contains("Problem", "Verification", "TimelineEvent")
                .doesNotContain("JsonNode", "ObjectNode", "Map", "Response");
        assertThat(served.toString()).doesNotContain("/callbacks/").doesNotContain("/sandbox");
    }

    private static Problem problem(ApiException e) throws Exception {
        return client.getObjectMapper().readValue(e.getResponseBody(), Problem.class);
    }

    private static String header(ApiResponse<?> response, String name) {
        return response.getHeaders().entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name))
                .map(h -> h.getValue().get(0)).findFirst().orElse(null);
    }
}
