package io.callauth.webhooks;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.callauth.openapi.NamedEnums;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;

/** One event's deliveries to one endpoint: a line of the deliveries log. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "WebhookDelivery", description = "One event's delivery to the endpoint")
public record Delivery(
        @Schema(required = true, description = "The event's id (`webhook-id` of a single endpoint's requests)",
                examples = "evt_4c1e0d6a9b2f47e3a1c5d8e7f6a5b4c3")
        String eventId,
        @Schema(required = true, description = "The event's type", examples = "verification.approved")
        String type,
        @Schema(required = true, ref = NamedEnums.WEBHOOK_DELIVERY_STATUS, description = "`delivered`: a try "
                + "was answered 2xx; `pending`: a try is due (the first, or another after a failed one); `failed`: no "
                + "try left")
        DeliveryStatus status,
        @Schema(required = true, description = "Tries so far")
        int tries,
        @Schema(description = "The HTTP status of the last try, when it got an answer", examples = "500")
        Integer lastStatusCode,
        @Schema(description = "Why the last try got no answer (timeout, refused connection, refused target)",
                examples = "timeout")
        String lastError,
        @Schema(description = "When the next try is due (pending only)")
        Instant nextTryAt,
        @Schema(required = true, description = "When the event was queued for the endpoint")
        Instant createdAt) {

    static Delivery queued(Event e, Instant now) {
        return new Delivery(e.id(), e.type().wire(), DeliveryStatus.PENDING, 0, null, null, now, now);
    }

    Delivery tried(DeliveryStatus status, Integer code, String error, Instant next) {
        return new Delivery(eventId, type, status, tries + 1, code, error, next, createdAt);
    }
}
