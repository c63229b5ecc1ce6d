package io.callauth.webhooks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one request carries: its {@code webhook-id} and body. A single endpoint gets one event,
 * {@code {"type","timestamp","data"}}, under the event's id; a batch endpoint a JSON array of events with their ids,
 * under a {@code batch_} id of its own (the same for the same events, so a batch tried again keeps its id).
 */
public record Outgoing(String webhookId, String body, List<String> eventIds) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One queued event (its JSON as queued) as a single endpoint's request: the event without its {@code id}. An event
     * is queued as {@link Event} writes it, {@code {"id":"evt_…",…}} with the id first: that prefix is cut off as is;
     * anything else is read and written again without its id.
     */
    public static Outgoing single(String eventId, String queued) {
        String prefix = "{\"id\":\"" + eventId + "\",";
        if (queued.startsWith(prefix)) {
            return new Outgoing(eventId, "{" + queued.substring(prefix.length()), List.of(eventId));
        }
        try {
            ObjectNode node = (ObjectNode) JSON.readTree(queued);
            node.remove("id");
            return new Outgoing(eventId, JSON.writeValueAsString(node), List.of(eventId));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** queued events (their JSON as queued) as one batch request */
    public static Outgoing batch(List<String> eventIds, List<String> queued) {
        return new Outgoing(batchId(eventIds), "[" + String.join(",", queued) + "]", List.copyOf(eventIds));
    }

    static String batchId(List<String> eventIds) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            eventIds.stream().sorted().forEach(id -> sha.update((id + "\n").getBytes(StandardCharsets.UTF_8)));
            return "batch_" + HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** the Standard Webhooks headers of one try */
    public Map<String, String> headers(long timestampSeconds, List<String> secrets) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("webhook-id", webhookId);
        h.put("webhook-timestamp", Long.toString(timestampSeconds));
        h.put("webhook-signature", Signatures.sign(webhookId, timestampSeconds, body, secrets));
        return h;
    }
}
