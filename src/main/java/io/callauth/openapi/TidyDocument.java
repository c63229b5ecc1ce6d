package io.callauth.openapi;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import java.util.Map;
import java.util.TreeMap;

/**
 * Tidies the generated document at build time, so the stored document ({@code target/openapi}) and the served one
 * agree: every operation's responses by status code (the scanner puts a resource class's shared error responses
 * before the operation's own; readers, and the generated clients' docs, expect 2xx first), and no {@code type} next
 * to a {@code $ref} (the scanner copies the Java type there; client generators drop it with a warning).
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.BUILD)
public class TidyDocument implements OASFilter {

    @Override
    public Operation filterOperation(Operation operation) {
        APIResponses responses = operation.getResponses();
        if (responses != null && responses.getAPIResponses() != null) {
            Map<String, APIResponse> byCode = new TreeMap<>(responses.getAPIResponses());
            responses.setAPIResponses(byCode);
        }
        return operation;
    }

    @Override
    public Schema filterSchema(Schema schema) {
        if (schema.getRef() != null && schema.getType() != null) {
            schema.setType(null);
        }
        return schema;
    }
}
