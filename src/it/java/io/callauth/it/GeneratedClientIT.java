package io.callauth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callauth.client.ApiClient;
import io.callauth.client.ApiException;
import io.callauth.client.ApiResponse;
import io.callauth.client.api.ClientAppsApi;
import io.callauth.client.api.FraudTeamApi;
import io.callauth.client.model.Attempt;
import io.callauth.client.model.AttemptPage;
import io.callauth.client.model.CallStatus;
import io.callauth.client.model.Channel;
import io.callauth.client.model.CheckRequest;
import io.callauth.client.model.CheckResult;
import io.callauth.client.model.ClientContext;
import io.callauth.client.model.Problem;
import io.callauth.client.model.StartRequest;
import io.callauth.client.model.TimelineEvent;
import io.callauth.client.model.Verification;
import io.callauth.client.model.VerificationStatus;
import io.callauth.common.EmbeddedRedisConfigSource;
import io.callauth.provider.callpass.CallPassEmulator;
import io.restassured.RestAssured;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
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
 * timeline, and a second check whose 409 decodes into the generated {@code Problem}; the fraud team's attempt log
 * with {@code from} in Java's and Python's offset forms; a problem code the client does not know. It also proves that
 * the document the app serves is the one the client was generated from, and that it shows no callbacks, sandbox or
 * internal types. The same document as a TypeScript client ({@code typescript-fetch}) is compiled and run on Node.js
 * by {@link TypeScriptClient} (src/it/typescript/smoke.ts); Node.js and npm are required.
 *
 * <p>The generated client exists only after package, so pom.xml leaves this class out of the first testCompile and
 * compiles it, with the client, in pre-integration-test. {@code quarkus:dev} ignores compiler excludes: until a
 * {@code ./mvnw verify} has generated and compiled the client, it reports this class as a test compile failure (only
 * continuous testing is affected; the app runs).
 */
class GeneratedClientIT {

    static final String KEY = "dev-key-change-me";
    static final String FRAUD_KEY = "it-fraud-key-0123456789";
    static CallPassEmulator callpass;
    static PackagedApp app;
    static Map<String, String> env;
    static ApiClient client;
    static ClientAppsApi api;
    static FraudTeamApi fraud;

    @BeforeAll
    static void boot() throws Exception {
        callpass = CallPassEmulator.start(ProdJarIT.TOKEN);
        env = ProdJarIT.env(EmbeddedRedisConfigSource.ensureStarted(), callpass.url());
        // the verify key of ProdJarIT.env, and a fraud key for the attempt log
        env.put("CALLAUTH_API_KEYS", env.get("CALLAUTH_API_KEYS") + ",fraud:fraud:" + sha256(FRAUD_KEY));
        app = PackagedApp.start(env);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().untilAsserted(() ->
                assertThat(RestAssured.given().baseUri(app.managementUrl()).get("/q/health/ready").statusCode())
                        .isEqualTo(200));
        client = new ApiClient();
        client.updateBaseUri(app.url());
        client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + KEY));
        api = new ClientAppsApi(client);
        ApiClient fraudClient = new ApiClient();
        fraudClient.updateBaseUri(app.url());
        fraudClient.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + FRAUD_KEY));
        fraud = new FraudTeamApi(fraudClient);
    }

    static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
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
        assertThat(v.getStatus()).isEqualTo(VerificationStatus.PENDING);
        assertThat(v.getPhone()).isEqualTo("+79165550731");
        assertThat(v.getChannel()).isEqualTo(Channel.FLASHCALL);
        assertThat(v.getCallStatus()).isIn(CallStatus.CALLING, CallStatus.DELIVERED);
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
        // one VerificationStatus type for both answers (it was Verification.StatusEnum and CheckResult.StatusEnum)
        assertThat(checked.getStatus()).isEqualTo(VerificationStatus.APPROVED);
        assertThat(checked.getAttemptsLeft()).isEqualTo(4);

        Verification got = api.getVerification(v.getId());
        assertThat(got.getStatus()).isEqualTo(VerificationStatus.APPROVED);
        // TimelineEventType is an open set: a string in the client
        assertThat(got.getEvents()).extracting(TimelineEvent::getType).containsSubsequence(
                "started", "call_placed", "check", "approved");
        TimelineEvent placed = got.getEvents().stream().filter(e -> e.getType().equals("call_placed"))
                .findFirst().orElseThrow();
        assertThat(placed.getProvider()).isEqualTo("callpass");
        assertThat(placed.getChannel()).isEqualTo(Channel.FLASHCALL);
        assertThat(placed.getAt()).isNotNull();
        assertThat(got.getEvents()).filteredOn(e -> e.getType().equals("check"))
                .extracting(TimelineEvent::getValid).containsExactly(true);

        // approved: checking again is a 409, its body the generated Problem
        ApiException conflict = catchThrowableOfType(ApiException.class,
                () -> api.checkVerification(v.getId(), new CheckRequest().code(code)));
        assertThat(conflict.getCode()).isEqualTo(409);
        assertThat(conflict.getResponseHeaders().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("application/problem+json"));
        Problem problem = problem(conflict);
        assertThat(problem.getCode()).isEqualTo("already_approved");
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
        assertThat(problem(e).getCode()).isEqualTo("unauthorized");
    }

    /**
     * ProblemCode is an open set: a code this client was not generated with decodes (a closed enum threw
     * IllegalArgumentException: "Unexpected value"), and the client goes by the HTTP status.
     */
    @Test
    void aProblemCodeTheClientDoesNotKnowStillDecodes() throws Exception {
        Problem p = client.getObjectMapper().readValue("{\"type\":\"urn:callauth:problem:quota_exhausted\","
                + "\"title\":\"Too Many Requests\",\"status\":429,\"code\":\"quota_exhausted\"}", Problem.class);
        assertThat(p.getCode()).isEqualTo("quota_exhausted");
        assertThat(p.getStatus()).isEqualTo(429);
    }

    /**
     * The attempt log through the generated client, {@code from} as each client writes it: Java's
     * ISO_OFFSET_DATE_TIME at +03:00, and Python's strftime {@code %z} ({@code +0000}, no colon), which the API
     * refused as invalid_request before.
     */
    @Test
    void listsAttemptsWithFromInEveryClientsOffsetForm() throws Exception {
        OffsetDateTime before = OffsetDateTime.now(ZoneOffset.ofHours(3)).minusSeconds(5).truncatedTo(ChronoUnit.MILLIS);
        Verification v = api.startVerification(new StartRequest().phone("8 916 555-07-32")
                .context(new ClientContext().appId("generated-client-attempts")), null);
        AttemptPage page = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(
                () -> fraud.listAttempts(before, null, null, null, null, null, null, null, null, null, null, null,
                        v.getId(), 100, null),
                p -> p.getItems().stream().map(Attempt::getType).toList().containsAll(List.of("started", "call_placed")));
        assertThat(page.getItems()).allSatisfy(a -> assertThat(a.getVerificationId()).isEqualTo(v.getId()));

        // the generated Java client has no Python date format: its request interceptor rewrites the query as one
        ApiClient python = new ApiClient();
        python.updateBaseUri(app.url());
        List<String> sent = new ArrayList<>();
        python.setRequestInterceptor(request -> {
            java.net.URI uri = request.copy().build().uri();
            String query = uri.getRawQuery().replaceAll("from=[^&]+", "from=" + java.net.URLEncoder.encode(
                    before.withOffsetSameInstant(ZoneOffset.UTC).format(java.time.format.DateTimeFormatter
                            .ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxx")), StandardCharsets.UTF_8));
            sent.add(java.net.URLDecoder.decode(query, StandardCharsets.UTF_8));
            request.uri(java.net.URI.create(uri.toString().replace(uri.getRawQuery(), query)));
            request.header("Authorization", "Bearer " + FRAUD_KEY);
        });
        AttemptPage again = new FraudTeamApi(python).listAttempts(before, null, null, null, null, null, null, null,
                null, null, null, null, v.getId(), 100, null);
        assertThat(sent).singleElement().asString().containsPattern("from=\\d{4}-\\d\\d-\\d\\dT[\\d:]+\\.\\d{6}\\+0000");
        assertThat(again.getItems()).extracting(Attempt::getId)
                .containsExactlyElementsOf(page.getItems().stream().map(Attempt::getId).toList());
    }

    /**
     * The TypeScript client generated from the same document (typescript-fetch), compiled and run on Node.js as a new
     * user would write it (src/it/typescript/smoke.ts): start a verification, read 4xx problems' codes, list the
     * verification's attempts with {@code from} sent in the +0000 form.
     */
    @Test
    void theTypeScriptClientStartsReadsProblemsAndListsAttempts() throws Exception {
        TypeScriptClient ts = TypeScriptClient.build(Map.of("CALLAUTH_URL", app.url(), "CALLAUTH_VERIFY_KEY", KEY,
                "CALLAUTH_FRAUD_KEY", FRAUD_KEY));
        String from = java.time.Instant.now().minusSeconds(5).truncatedTo(ChronoUnit.MILLIS).toString();
        JsonNode started = ts.run("start", "+79165550733");
        assertThat(started.path("id").asText()).matches("vf_[0-9a-f]{32}");
        assertThat(started.path("status").asText()).isEqualTo("pending");
        assertThat(started.path("pending").asBoolean()).isTrue();
        assertThat(started.path("channel").asText()).isEqualTo("flashcall");
        assertThat(started.path("codeLength").asInt()).isEqualTo(4);
        assertThat(started.path("createdAt").asText()).isNotEmpty();
        assertThat(started.path("notFound").path("status").asInt()).isEqualTo(404);
        assertThat(started.path("notFound").path("code").asText()).isEqualTo("not_found");
        assertThat(started.path("notFound").path("contentType").asText()).startsWith("application/problem+json");
        assertThat(started.path("invalidPhone").path("status").asInt()).isEqualTo(400);
        assertThat(started.path("invalidPhone").path("code").asText()).isEqualTo("invalid_phone");

        String id = started.path("id").asText();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> fraud.listAttempts(
                null, null, null, null, null, null, null, null, null, null, null, null, id, 100, null).getItems()
                .stream().map(Attempt::getType).toList().containsAll(List.of("started", "call_placed")));
        JsonNode listed = ts.run("attempts", id, from);
        assertThat(listed.path("sentFrom").asText()).as("from as Python sends it").endsWith("+0000")
                .doesNotContain("Z").startsWith(from.substring(0, 19));
        List<String> types = new ArrayList<>();
        listed.path("types").forEach(t -> types.add(t.asText()));
        assertThat(types).contains("started", "call_placed");
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
        assertThat(schemas).contains("Problem", "Verification", "TimelineEvent", "ProblemCode", "VerificationStatus",
                        "CallStatus", "Channel", "AttemptType", "GroupBy")
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
