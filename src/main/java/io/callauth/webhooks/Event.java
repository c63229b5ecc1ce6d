package io.callauth.webhooks;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;

/**
 * One event, as queued and as a batch endpoint gets it: {@code {"id","type","timestamp","data"}} (a single endpoint
 * gets it without {@code id}, which travels as {@code webhook-id}). {@code apiKey}: the key whose verification it is
 * about (routing only, never sent); null for the fraud events.
 */
@JsonPropertyOrder({"id", "type", "timestamp", "data"})
public record Event(String id, @JsonIgnore EventType type, Instant timestamp, Map<String, Object> data,
                    @JsonIgnore String apiKey) {

    @JsonProperty("type")
    public String typeWire() {
        return type.wire();
    }

    /**
     * The id of the event made from one entry of the attempt stream: the same for every endpoint, on every try and on a
     * replay from the archive (whose record ids are the stream's).
     */
    public static String idOf(String source) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(source.getBytes(StandardCharsets.UTF_8));
            return "evt_" + HexFormat.of().formatHex(h, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
