package io.callauth.webhooks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What a request carries: a single endpoint's event without its id (cut off as queued, or read and written again). */
class OutgoingTest {

    private final ObjectMapper json = JsonMapper.builder().findAndAddModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    @Test
    void aSingleEndpointGetsTheQueuedEventWithoutItsIdExactlyAsJacksonWouldWriteIt() throws Exception {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("verificationId", "vf_1");
        data.put("note", "a \"quoted\", {braced} value");
        data.put("tries", 2);
        Event event = new Event("evt_0123", EventType.VERIFICATION_CALL_PLACED, Instant.parse("2026-12-06T10:00:00Z"),
                data, "key-1");
        String queued = json.writeValueAsString(event);

        Outgoing out = Outgoing.single(event.id(), queued);

        ObjectNode expected = (ObjectNode) json.readTree(queued);
        expected.remove("id");
        assertThat(out.body()).isEqualTo(json.writeValueAsString(expected));
        assertThat(json.readTree(out.body()).fieldNames()).toIterable()
                .containsExactly("type", "timestamp", "data");
        assertThat(out.webhookId()).isEqualTo("evt_0123");
        assertThat(out.eventIds()).containsExactly("evt_0123");
    }

    @Test
    void anEventQueuedInAnotherShapeIsReadAndWrittenAgainWithoutItsId() throws Exception {
        String queued = "{ \"type\": \"verification.approved\", \"id\": \"evt_9\", \"data\": {\"id\": \"kept\"} }";

        Outgoing out = Outgoing.single("evt_9", queued);

        assertThat(json.readTree(out.body()).has("id")).isFalse();
        assertThat(json.readTree(out.body()).path("data").path("id").asText()).isEqualTo("kept");
        assertThat(json.readTree(out.body()).path("type").asText()).isEqualTo("verification.approved");
    }

    @Test
    void aBodyWhoseIdIsAnotherEventsIsNotCutAsIfItWereThisOnes() throws Exception {
        String queued = "{\"id\":\"evt_10\",\"type\":\"verification.expired\",\"data\":{}}";

        Outgoing out = Outgoing.single("evt_1", queued);

        assertThat(out.body()).doesNotContain("evt_1");
        assertThat(json.readTree(out.body()).has("id")).isFalse();
        assertThat(json.readTree(out.body()).path("type").asText()).isEqualTo("verification.expired");
    }

    @Test
    void aBatchCarriesTheQueuedEventsWithTheirIdsUnderAnIdOfItsOwn() {
        Outgoing out = Outgoing.batch(List.of("evt_b", "evt_a"), List.of("{\"id\":\"evt_b\"}", "{\"id\":\"evt_a\"}"));

        assertThat(out.body()).isEqualTo("[{\"id\":\"evt_b\"},{\"id\":\"evt_a\"}]");
        assertThat(out.webhookId()).startsWith("batch_")
                .isEqualTo(Outgoing.batch(List.of("evt_a", "evt_b"), List.of("{}", "{}")).webhookId());
    }
}
