package io.callauth.rules;

import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The document's view of {@code match} ({@link RuleMatch}) names exactly the fields a rule can match. */
class RuleFieldTest {

    @Test
    void theDocumentedMatchFieldsAreTheMatchFields() {
        assertThat(Arrays.stream(RuleMatch.class.getRecordComponents()).map(RecordComponent::getName).toList())
                .containsExactlyElementsOf(RuleField.wires());
    }

    @Test
    void everyFieldParsesFromItsWireName() {
        for (RuleField f : RuleField.values()) {
            assertThat(RuleField.parse(f.wire())).contains(f);
        }
        assertThat(RuleField.parse("Phone")).isEmpty();
    }
}
