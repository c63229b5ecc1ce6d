package io.callauth.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callauth.common.Management;
import io.callauth.provider.callpass.CallPassEmulatorResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The key filter decides roles by path, and a path under {@code /v1} it does not know needs only a valid key (so that
 * it can answer 404): an endpoint added without its role in {@link ApiKeyFilter} would be open to every key. Every
 * path of the published API document must therefore have its role there.
 */
@QuarkusTest
@QuarkusTestResource(CallPassEmulatorResource.class)
class EveryApiPathHasARoleTest {

    @Test
    void everyPathOfTheApiDocumentNeedsARole() throws Exception {
        JsonNode doc = new ObjectMapper().readTree(Management.given().accept("application/json").get("/q/openapi")
                .then().statusCode(200).extract().asString());
        List<String> paths = new ArrayList<>();
        doc.path("paths").fieldNames().forEachRemaining(paths::add);
        assertThat(paths).anyMatch(p -> p.startsWith("/v1/"));
        List<String> open = paths.stream().filter(p -> p.startsWith("/v1/"))
                .filter(p -> ApiKeyFilter.allowedRoles(p.replaceAll("\\{[^}]+}", "x")).isEmpty()).toList();
        assertThat(open).as("paths of the API whose role ApiKeyFilter does not know").isEmpty();
    }
}
