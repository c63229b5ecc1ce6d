package io.callauth.calls;

import io.vertx.core.json.JsonObject;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;

/**
 * One call of a verification as the fraud team sees it: ours ({@code callRef}, provider, channel, the caller id masked
 * as the provider shows it, when it was placed, its status) and {@code record}, what the provider itself keeps of the
 * call (Yunhu CDR, SunSim call list row, CallPass status result), or null when the provider keeps none.
 */
@Schema(name = "Call", description = "One call of a verification and the provider's own record of it")
public record CallView(
        @Schema(required = true, description = "Our reference of the call; its recording is "
                + "`/v1/calls/{callRef}/recording`", examples = "vf_4c1e0d6a9b2f47e3a1c5d8e7f6a5b4c3.9f2a1c")
        String callRef,
        @Schema(required = true, examples = "yunhu") String provider,
        @Schema(ref = io.callauth.openapi.NamedEnums.CHANNEL, description = "`flashcall` or `voice`",
                examples = "flashcall") String channel,
        @Schema(nullable = true, description = "The calling number as the provider shows it, its last digits (the "
                + "code) masked", examples = "219024****") String callerId,
        @Schema(nullable = true, description = "When the call was placed") Instant placedAt,
        @Schema(ref = io.callauth.openapi.NamedEnums.CALL_STATUS, description = "`calling`, `delivered`, "
                + "`not_delivered` or `failed` (could not be placed)", examples = "delivered")
        String callStatus,
        @Schema(type = SchemaType.OBJECT, implementation = Object.class, additionalProperties = Schema.True.class,
                nullable = true, description = "What the provider keeps of the call, as it "
                + "gives it (Yunhu CDR: `answertime`, `billsec`, `hangupcause`, `recordfilename`, ...; SunSim call "
                + "list row: `callDate`, `callDuration`, `callRecordId`, ...; CallPass: its status result), calling "
                + "numbers masked; null when it keeps none")
        JsonObject record) {
}
