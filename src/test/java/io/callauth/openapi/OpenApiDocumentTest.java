package io.callauth.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callauth.attempts.AttemptType;
import io.callauth.common.Management;
import io.callauth.provider.CallStatus;
import io.callauth.provider.Channel;
import io.callauth.verification.Api;
import io.callauth.verification.VerificationStatus;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * The published OpenAPI document as generated clients read it: every enumeration a named schema referred to by
 * {@code $ref} (one type per enumeration in each client), built from the code's own lists; the open sets
 * ({@code ProblemCode}, {@code AttemptType}, {@code TimelineEventType}) without a closed {@code enum} and saying so;
 * one bearer security scheme that every operation uses; the rules API described like the rest.
 */
@QuarkusTest
class OpenApiDocumentTest {

    static JsonNode doc;

    @BeforeAll
    static void load() throws IOException {
        doc = new ObjectMapper().readTree(Management.given().queryParam("format", "json").get("/q/openapi").then()
                .statusCode(200).extract().asString());
    }

    static JsonNode schema(String name) {
        JsonNode s = doc.path("components").path("schemas").path(name);
        assertThat(s.isMissingNode()).as("components.schemas." + name).isFalse();
        return s;
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static List<String> wire(Stream<String> s) {
        return s.toList();
    }

    static void refersTo(JsonNode property, String schema, String where) {
        assertThat(property.path("$ref").asText()).as(where + " refers to " + schema)
                .isEqualTo("#/components/schemas/" + schema);
        assertThat(property.has("enum")).as(where + " has no inline enum").isFalse();
    }

    @Test
    void closedEnumerationsAreNamedSchemasWithTheCodesValues() {
        Map<String, List<String>> closed = Map.of(
                NamedEnums.VERIFICATION_STATUS, wire(Arrays.stream(VerificationStatus.values()).map(VerificationStatus::wire)),
                NamedEnums.CALL_STATUS, wire(Arrays.stream(CallStatus.values()).map(CallStatus::wire)),
                NamedEnums.CHANNEL, wire(Stream.concat(Stream.of("auto"), Arrays.stream(Channel.values()).map(Channel::wire))),
                NamedEnums.GROUP_BY, io.callauth.attempts.AttemptsResource.GROUP_BY,
                NamedEnums.RULE_ACTION, List.of("block", "allow"),
                NamedEnums.RULE_MODE, List.of("enforce", "monitor"));
        closed.forEach((name, values) -> {
            JsonNode s = schema(name);
            assertThat(s.path("type").asText()).as(name).isEqualTo("string");
            assertThat(strings(s.path("enum"))).as(name).containsExactlyElementsOf(values);
            assertThat(s.has(NamedEnums.EXTENSIBLE)).as(name).isFalse();
            assertThat(s.path("description").asText()).as(name).contains("A closed set");
        });
        assertThat(strings(schema(NamedEnums.VERIFICATION_STATUS).path("enum"))).contains("max_attempts_reached");
    }

    @Test
    void openEnumerationsAreStringsThatListTheirKnownValuesAndSaySo() {
        Map<String, List<String>> open = Map.of(
                NamedEnums.PROBLEM_CODE, List.copyOf(Problem.CODES.keySet()),
                NamedEnums.ATTEMPT_TYPE, wire(Arrays.stream(AttemptType.values()).map(AttemptType::wire)),
                NamedEnums.TIMELINE_EVENT_TYPE, List.copyOf(TimelineEvent.TYPES.keySet()));
        open.forEach((name, values) -> {
            JsonNode s = schema(name);
            assertThat(s.path("type").asText()).as(name).isEqualTo("string");
            assertThat(s.has("enum")).as(name + " is open: no closed enum, or clients throw on a new value").isFalse();
            assertThat(strings(s.path(NamedEnums.EXTENSIBLE))).as(name).containsExactlyElementsOf(values);
            assertThat(s.path("description").asText()).as(name).contains("An open set")
                    .contains("new ones may be added").contains("must not fail on a value it does not know");
            values.forEach(v -> assertThat(s.path("description").asText()).as(name).contains("`" + v + "`"));
        });
        // the policy for codes, where clients read it: a code they do not know is handled by the HTTP status
        assertThat(schema(NamedEnums.PROBLEM_CODE).path("description").asText())
                .contains("A code this list does not name is handled by the answer's HTTP status");
        assertThat(schema("Problem").path("properties").path("code").path("description").asText())
                .contains("new codes may be added").contains("HTTP status");
        assertThat(doc.path("info").path("description").asText()).contains("New codes may be added");
    }

    @Test
    void everyEnumeratedMemberAndParameterRefersToItsNamedSchema() {
        refersTo(schema("Verification").path("properties").path("status"), NamedEnums.VERIFICATION_STATUS, "Verification.status");
        refersTo(schema("CheckResult").path("properties").path("status"), NamedEnums.VERIFICATION_STATUS, "CheckResult.status");
        refersTo(schema("Verification").path("properties").path("channel"), NamedEnums.CHANNEL, "Verification.channel");
        refersTo(schema("Verification").path("properties").path("callStatus"), NamedEnums.CALL_STATUS, "Verification.callStatus");
        refersTo(schema("StartRequest").path("properties").path("channel"), NamedEnums.CHANNEL, "StartRequest.channel");
        refersTo(schema("ResendRequest").path("properties").path("channel"), NamedEnums.CHANNEL, "ResendRequest.channel");
        refersTo(schema("Call").path("properties").path("callStatus"), NamedEnums.CALL_STATUS, "Call.callStatus");
        refersTo(schema("TimelineEvent").path("properties").path("type"), NamedEnums.TIMELINE_EVENT_TYPE, "TimelineEvent.type");
        refersTo(schema("Attempt").path("properties").path("type"), NamedEnums.ATTEMPT_TYPE, "Attempt.type");
        refersTo(schema("AttemptSummary").path("properties").path("groupBy"), NamedEnums.GROUP_BY, "AttemptSummary.groupBy");
        refersTo(schema("Problem").path("properties").path("code"), NamedEnums.PROBLEM_CODE, "Problem.code");
        refersTo(doc.path("components").path("parameters").path("type").path("schema"), NamedEnums.ATTEMPT_TYPE,
                "the type filter");
        JsonNode summary = doc.path("paths").path("/v1/attempts/summary").path("get").path("parameters");
        JsonNode groupBy = null;
        for (JsonNode p : summary) {
            if (p.path("name").asText().equals("groupBy")) {
                groupBy = p.path("schema");
            }
        }
        assertThat(groupBy).as("summary's groupBy").isNotNull();
        refersTo(groupBy, NamedEnums.GROUP_BY, "summary's groupBy");

        // no inline enum left in a schema: each would be one more type per property in every generated client
        List<String> inline = new ArrayList<>();
        doc.path("components").path("schemas").properties().forEach(s -> s.getValue().path("properties").properties()
                .forEach(p -> {
                    if (p.getValue().has("enum")) {
                        inline.add(s.getKey() + "." + p.getKey());
                    }
                }));
        assertThat(inline).isEmpty();
    }

    /** The documented list of attempt types is the code's: each is a filter the API takes; nothing else is. */
    @Test
    void everyAttemptTypeTheCodeWritesIsDocumentedAndFilterable() {
        List<String> documented = strings(schema(NamedEnums.ATTEMPT_TYPE).path(NamedEnums.EXTENSIBLE));
        for (AttemptType t : AttemptType.values()) {
            assertThat(documented).contains(t.wire());
            Api.as(Api.FRAUD_KEY).queryParam("type", t.wire()).queryParam("limit", 1).get("/v1/attempts").then()
                    .statusCode(200);
        }
        assertThat(documented).contains("max_attempts_reached").hasSize(AttemptType.values().length);
        Api.as(Api.FRAUD_KEY).queryParam("type", "call_record").get("/v1/attempts").then().statusCode(400)
                .body("code", equalTo("invalid_request"));
    }

    @Test
    void oneBearerSchemeAndEveryOperationUsesIt() {
        JsonNode schemes = doc.path("components").path("securitySchemes");
        assertThat(schemes.size()).isEqualTo(1);
        JsonNode bearer = schemes.path("bearerAuth");
        assertThat(bearer.path("type").asText()).isEqualTo("http");
        assertThat(bearer.path("scheme").asText()).isEqualTo("bearer");
        List<String> operations = new ArrayList<>();
        doc.path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            String where = op.getKey().toUpperCase() + " " + path.getKey();
            operations.add(where);
            JsonNode security = op.getValue().path("security");
            assertThat(security.size()).as(where).isEqualTo(1);
            assertThat(strings(fieldNames(security.get(0)))).as(where).containsExactly("bearerAuth");
        }));
        assertThat(operations).hasSizeGreaterThan(10).contains("GET /v1/rules", "POST /v1/rules",
                "GET /v1/rules/audit", "DELETE /v1/rules/{id}");
    }

    static JsonNode fieldNames(JsonNode object) {
        var array = new ObjectMapper().createArrayNode();
        object.fieldNames().forEachRemaining(array::add);
        return array;
    }

    @Test
    void theRulesApiIsDescribedLikeTheRest() {
        JsonNode request = schema("RuleRequest");
        assertThat(strings(request.path("required"))).containsExactlyInAnyOrder("action", "match", "mode", "reason");
        JsonNode expires = request.path("properties").path("expiresAt");
        assertThat(expires.path("type").asText()).isEqualTo("string");
        assertThat(expires.path("format").asText()).as("RuleRequest.expiresAt").isEqualTo("date-time");
        refersTo(request.path("properties").path("action"), NamedEnums.RULE_ACTION, "RuleRequest.action");
        refersTo(request.path("properties").path("mode"), NamedEnums.RULE_MODE, "RuleRequest.mode");
        refersTo(request.path("properties").path("match"), "RuleMatch", "RuleRequest.match");
        JsonNode match = schema("RuleMatch");
        assertThat(match.path("minProperties").asInt()).isEqualTo(1);
        assertThat(match.path("maxProperties").asInt()).isEqualTo(1);
        assertThat(strings(fieldNames(match.path("properties"))))
                .containsExactlyInAnyOrder("phone", "prefix", "country", "carrier", "ip", "appId", "deviceId");

        JsonNode rule = schema("Rule");
        assertThat(strings(rule.path("required"))).contains("id", "action", "match", "mode", "reason", "createdAt");
        refersTo(rule.path("properties").path("action"), NamedEnums.RULE_ACTION, "Rule.action");
        assertThat(rule.path("properties").path("expiresAt").toString()).contains("#/components/schemas/Instant");
        for (String name : List.of("Rule", "RuleRequest", "RuleMatch", "RuleAuditEntry", "RuleList", "RuleAuditList")) {
            assertThat(schema(name).path("description").asText()).as(name).isNotBlank();
        }
        schema("RuleRequest").path("properties").properties().forEach(p -> assertThat(
                p.getValue().has("description") || p.getValue().has("$ref")).as("RuleRequest." + p.getKey()).isTrue());
        schema("RuleAuditEntry").path("properties").properties().forEach(p -> assertThat(
                p.getValue().path("description").asText()).as("RuleAuditEntry." + p.getKey()).isNotBlank());
        for (String op : List.of("/v1/rules", "/v1/rules/audit")) {
            assertThat(doc.path("paths").path(op).path("get").path("responses").path("200").path("content")
                    .path("application/json").path("schema").path("$ref").asText()).as(op)
                    .isIn("#/components/schemas/RuleList", "#/components/schemas/RuleAuditList");
        }
        JsonNode limit = doc.path("paths").path("/v1/rules/audit").path("get").path("parameters").get(0).path("schema");
        assertThat(limit.path("type").asText()).isEqualTo("integer");
        assertThat(limit.path("maximum").asInt()).isEqualTo(1000);
    }

    /** Every code the application can answer is one the document names (ProblemCode lists the known ones). */
    @Test
    void everyProblemCodeInTheSourcesIsDocumented() throws IOException {
        Pattern literal = Pattern.compile("(?:new ApiProblem\\(|build\\()\\s*\\d{3},\\s*\"([a-z_]+)\"|case \\d{3} -> \"([a-z_]+)\"");
        Set<String> found = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (f.toString().contains("/provider/")) {
                    continue; // the providers' callbacks: hidden from the document, not the public API
                }
                Matcher m = literal.matcher(Files.readString(f));
                while (m.find()) {
                    found.add(m.group(1) != null ? m.group(1) : m.group(2));
                }
            }
        }
        for (VerificationStatus s : VerificationStatus.values()) {
            if (s != VerificationStatus.PENDING) {
                found.add(s.conflictCode());
            }
        }
        assertThat(found).contains("invalid_request", "rate_limited", "already_approved", "archive_unavailable");
        assertThat(Problem.CODES.keySet()).containsAll(found);
    }
}
