package io.callauth.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.callauth.attempts.Attempt;
import io.quarkus.qute.TemplateExtension;

import java.util.ArrayList;
import java.util.List;

/** The routing decision a {@code started} or {@code call_placed} record carries in its detail, in words. */
@TemplateExtension
public class RoutingNotes {

    /** e.g. "routed sandbox → callpass (cost per approval): callpass delivery 0.28, cost 1.0, 3.6 per approval; …" */
    static String routingNote(Attempt a) {
        JsonNode d = a.detail();
        if (d == null || !d.isObject() || !d.has("routing") || !d.has("order")) {
            return "";
        }
        List<String> order = new ArrayList<>();
        d.get("order").forEach(n -> order.add(n.asText()));
        StringBuilder out = new StringBuilder("routed ").append(String.join(" → ", order)).append(" (")
                .append(d.path("reason").asText().replace('_', ' ')).append(")");
        List<String> ps = new ArrayList<>();
        for (JsonNode p : d.path("providers")) {
            ps.add(p.path("provider").asText() + " delivery " + p.path("delivery").asText() + ", cost "
                    + p.path("cost").asText() + (p.path("expectedCostPerApproval").isNumber()
                    ? ", " + p.path("expectedCostPerApproval").asText() + " per approval" : ""));
        }
        if (!ps.isEmpty()) {
            out.append(": ").append(String.join("; ", ps));
        }
        return out.toString();
    }
}
