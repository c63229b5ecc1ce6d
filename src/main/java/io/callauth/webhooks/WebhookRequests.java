package io.callauth.webhooks;

import io.callauth.openapi.NamedEnums;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** Request bodies of the webhooks API, checked by their constraints ({@link WebhookValidation}). */
public final class WebhookRequests {

    private WebhookRequests() {
    }

    static final String REQUIRED = "is required";
    static final int MAX_URL = 2048;
    static final int MAX_EVENTS = 32;
    static final int MAX_DESCRIPTION = 500;

    @Schema(name = "WebhookCreateRequest", description = "An endpoint to register")
    public record Create(
            @Schema(required = true, description = "Where events are posted: `https` (`http` only where the "
                    + "operator allows it); never a loopback, private, link-local or metadata address",
                    maxLength = MAX_URL, examples = "https://hooks.example.com/callauth")
            @NotBlank(message = REQUIRED) @Size(max = MAX_URL, message = "is longer than {max} characters")
            String url,
            @Schema(required = true, description = "The event types to receive, or `[\"*\"]` for every type this key (`WebhookEventType`) "
                    + "may receive", examples = "[\"verification.approved\", \"verification.failed\"]")
            @NotEmpty(message = REQUIRED) @Size(max = MAX_EVENTS, message = "has more than {max} types")
            List<@NotBlank(message = REQUIRED) String> events,
            @Schema(description = "What it is for", maxLength = MAX_DESCRIPTION, examples = "production backend")
            @Size(max = MAX_DESCRIPTION, message = "is longer than {max} characters")
            String description,
            @Schema(description = "`single` (default): one event per request; `batch`: JSON arrays of up to 500 "
                    + "events per request (a SIEM)", ref = NamedEnums.WEBHOOK_FORMAT, examples = "single")
            @Pattern(regexp = "single|batch", message = "must be single or batch")
            String format) {
    }

    @Schema(name = "WebhookUpdateRequest", description = "What to change; absent members stay as they are")
    public record Update(
            @Schema(description = "A new target (checked as at registration)", maxLength = MAX_URL)
            @Size(min = 1, max = MAX_URL, message = "must be 1 to {max} characters")
            String url,
            @Schema(description = "The event types to receive from now on")
            @Size(min = 1, max = MAX_EVENTS, message = "must name 1 to {max} types")
            List<@NotBlank(message = REQUIRED) String> events,
            @Schema(description = "`false` stops deliveries (queued ones wait); `true` resumes them, also after the "
                    + "endpoint was disabled for failing")
            Boolean enabled,
            @Schema(description = "What it is for", maxLength = MAX_DESCRIPTION)
            @Size(max = MAX_DESCRIPTION, message = "is longer than {max} characters")
            String description) {
    }

    @Schema(name = "WebhookReplayRequest", description = "From when to send again")
    public record Replay(
            @Schema(required = true, description = "RFC 3339 date-time with an offset; within the attempt archive's "
                    + "retention", examples = "2026-12-01T00:00:00Z")
            @NotBlank(message = REQUIRED)
            String since) {
    }
}
