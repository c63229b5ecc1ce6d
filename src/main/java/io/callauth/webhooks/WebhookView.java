package io.callauth.webhooks;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.callauth.openapi.NamedEnums;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;

/** An endpoint as the API shows it: its secret only in the answer that made it (registration, rotation). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Webhook", description = "A registered webhook endpoint")
public record WebhookView(
        @Schema(required = true, examples = "wh_4c1e0d6a9b2f47e3") String id,
        @Schema(required = true, examples = "https://hooks.example.com/callauth") String url,
        @Schema(required = true, description = "The event types it receives (`WebhookEventType`; `*`: every type its key may receive)")
        List<String> events,
        @Schema(description = "What it is for") String description,
        @Schema(required = true, ref = NamedEnums.WEBHOOK_FORMAT) String format,
        @Schema(required = true, description = "Whether events are sent to it") boolean enabled,
        @Schema(description = "Why callauth disabled it (410 Gone, or every try failing for days)")
        String disabledReason,
        @Schema(required = true, description = "The name of the API key that registered it", examples = "shop")
        String apiKey,
        @Schema(required = true) Instant createdAt,
        @Schema(description = "Only in the answer to the registration and to a rotation: the signing secret "
                + "(`whsec_` + base64 of 32 random bytes); never shown again", examples = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        String secret,
        @Schema(description = "Only in the answer to a rotation: until when the previous secret signs too")
        Instant previousSecretValidUntil) {

    static WebhookView of(Endpoint e) {
        return new WebhookView(e.id(), e.url(), e.events(), e.description(), e.format().wire(), e.enabled(),
                e.disabledReason(), e.apiKey(), e.createdAt(), null, null);
    }

    WebhookView withSecret(String secret, Instant previousValidUntil) {
        return new WebhookView(id, url, events, description, format, enabled, disabledReason, apiKey, createdAt, secret,
                previousValidUntil);
    }
}
