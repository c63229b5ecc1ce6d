package io.callauth.routing;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** {@code GET /v1/routing}: per destination group, each provider's figures and the current order. */
@Schema(name = "Routing", description = "Routing by measured delivery and cost: per destination group, each "
        + "provider's figures over the window and the order a start follows now")
public record RoutingView(@Schema(required = true, description = "`adaptive` or `static` (callauth.routing.mode)",
                                  examples = "adaptive") String mode,
                          @Schema(required = true) List<Group> groups) {

    @Schema(name = "RoutingGroup")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Group(@Schema(required = true, examples = "RU/Beeline") String group,
                        @Schema(required = true) String country,
                        @Schema(description = "the carrier, when libphonenumber's carrier data names one") String carrier,
                        @Schema(description = "the 5-digit E.164 prefix, when no carrier is known") String prefix,
                        @Schema(required = true, description = "the providers in the order a start tries them "
                                + "(before exploration)") List<String> order,
                        @Schema(required = true, description = "why: `cost_per_approval`, `little_data` (the "
                                + "chain's order until the group has enough calls) or `static`",
                                examples = "cost_per_approval") String reason,
                        @Schema(required = true) List<Provider> providers) {
    }

    @Schema(name = "RoutingProvider")
    public record Provider(@Schema(required = true) String provider,
                           @Schema(required = true, description = "calls placed over the window") long placed,
                           @Schema(required = true) long delivered,
                           @Schema(required = true, description = "verifications approved after this provider's "
                                   + "call was delivered") long approved,
                           @Schema(description = "null without a timed delivery") Double medianSecondsToDeliver,
                           @Schema(required = true, description = "configured cost of a call to the group's country")
                           double cost,
                           @Schema(required = true, description = "estimated delivery probability (recent calls "
                                   + "weigh most, with the prior)") double deliveryRate,
                           @Schema(required = true, description = "estimated approvals per placed call")
                           double approvalRate,
                           @Schema(description = "of the best order this provider leads") Double expectedCostPerApproval) {
    }
}
