package io.callauth.verification;

import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** What the client tells about the end user, for the attempt log and the limits. All optional. */
@Schema(name = "ClientContext", description = "What the client app knows about the end user, for the limits and the "
        + "fraud team's attempt log. All optional.")
public record ClientContext(
        @Schema(description = "The end user's IP address; without it, the request's own source address counts",
                maxLength = 64, examples = "203.0.113.7")
        @Size(max = 64, message = Requests.LONGER)
        String ip,
        @Schema(description = "The end user's browser or app user agent", maxLength = 512)
        @Size(max = 512, message = Requests.LONGER)
        String userAgent,
        @Schema(description = "Which of your apps asks", maxLength = 128, examples = "demo")
        @Size(max = 128, message = Requests.LONGER)
        String appId,
        @Schema(description = "The end user's device", maxLength = 128)
        @Size(max = 128, message = Requests.LONGER)
        String deviceId) {
    public static final ClientContext EMPTY = new ClientContext(null, null, null, null);
}
