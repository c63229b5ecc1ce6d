package io.callauth.provider.yunhu;

import io.callauth.provider.CallOutcomes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callauth.common.ApiProblem;
import io.callauth.common.Masking;
import io.callauth.security.ApiKeys;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where Yunhu pushes call states and call records (the URLs configured in the Yunhu account). Yunhu signs nothing,
 * so the path carries a secret, compared in constant time; a wrong or missing secret is a plain 404. Callbacks are
 * idempotent (the first final status of a call wins, repeats change nothing); a {@code customuuid} we do not know
 * (another system on the same account, an old call) is answered 200 and logged, so Yunhu does not retry it.
 * Not in the published OpenAPI document: no client of ours calls it, and its path holds a secret.
 */
@Path("/callbacks/yunhu/{secret}")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
public class YunhuCallbacks {

    private static final Logger LOG = Logger.getLogger(YunhuCallbacks.class);

    private final YunhuConfig config;
    private final YunhuClient client;
    private final CallOutcomes outcomes;
    private final ObjectMapper json;
    private final Set<Integer> deliveredCauses;
    private final io.callauth.provider.CallRecordSink records;
    private final int codeLength;

    public YunhuCallbacks(YunhuConfig config, YunhuClient client, CallOutcomes outcomes, ObjectMapper json,
                          io.callauth.provider.CallRecordSink records,
                          @org.eclipse.microprofile.config.inject.ConfigProperty(name = "callauth.verification.code-length")
                          int codeLength) {
        this.records = records;
        this.codeLength = codeLength;
        this.config = config;
        this.client = client;
        this.outcomes = outcomes;
        this.json = json;
        this.deliveredCauses = Set.copyOf(config.deliveredCauses());
    }

    @POST
    @Path("/status")
    @Operation(hidden = true)
    public Uni<Map<String, Object>> status(@PathParam("secret") String secret, String body) {
        JsonNode n = read(secret, body);
        Optional<YunhuEvents.Outcome> outcome = YunhuEvents.outgoing(n)
                ? YunhuEvents.fromState(n, client.doubleCall()) : Optional.empty();
        return settle("status", n, outcome);
    }

    @POST
    @Path("/cdr")
    @Operation(hidden = true)
    public Uni<Map<String, Object>> cdr(@PathParam("secret") String secret, String body) {
        JsonNode n = read(secret, body);
        Optional<YunhuEvents.Outcome> outcome = YunhuEvents.outgoing(n)
                ? Optional.of(YunhuEvents.fromCdr(n, deliveredCauses)) : Optional.empty();
        String ref = YunhuEvents.text(n, "customuuid");
        // the CDR is the call's record for the fraud team: kept with the call (stream, archive, Redis) whether or not
        // it settles the call, the calling number masked (its last digits are the code)
        Uni<Void> keep = outcome.isPresent() && !ref.isEmpty()
                ? records.keep(ref, YunhuClient.NAME, masked((com.fasterxml.jackson.databind.node.ObjectNode) n.deepCopy())) : Uni.createFrom().voidItem();
        return keep.chain(() -> settle("cdr", n, outcome));
    }

    private Uni<Map<String, Object>> settle(String kind, JsonNode n, Optional<YunhuEvents.Outcome> outcome) {
        String ref = YunhuEvents.text(n, "customuuid");
        if (outcome.isEmpty()) {
            return Uni.createFrom().item(Map.of("received", true, "applied", false));
        }
        if (ref.isEmpty()) {
            LOG.infof("yunhu %s callback without customuuid ignored (to %s)", kind, masked(n));
            return Uni.createFrom().item(Map.of("received", true, "applied", false));
        }
        YunhuEvents.Outcome o = outcome.get();
        return outcomes.report(ref, o.status(), o.detail()).map(applied -> {
            if (!applied) {
                LOG.infof("yunhu %s callback for %s (to %s, %s) changed nothing: unknown, stale or repeated", kind,
                        ref, masked(n), o.detail());
            }
            return Map.<String, Object>of("received", true, "applied", applied);
        });
    }

    private JsonNode read(String secret, String body) {
        if (!authentic(secret)) {
            throw ApiProblem.notFound("no such resource");
        }
        try {
            JsonNode n = json.readTree(body == null ? "" : body);
            if (n != null && n.isObject()) {
                return n;
            }
        } catch (Exception ignored) {
            // answered below
        }
        throw new ApiProblem(400, "invalid_callback", "a Yunhu callback is a JSON object");
    }

    private boolean authentic(String presented) {
        return ApiKeys.sameSecret(presented, config.callbackSecret().filter(s -> !s.isBlank()).orElse(null));
    }

    /** the CDR with its calling numbers masked as the caller ID of the call is */
    private JsonNode masked(com.fasterxml.jackson.databind.node.ObjectNode cdr) {
        for (String field : new String[]{"disnumber", "caller"}) {
            String v = YunhuEvents.text(cdr, field);
            if (!v.isEmpty()) {
                cdr.put(field, Masking.callerId(v, codeLength));
            }
        }
        return cdr;
    }

    private static String masked(JsonNode n) {
        String to = YunhuEvents.text(n, "destnumber");
        if (to.isEmpty()) {
            to = YunhuEvents.text(n, "callee");
        }
        return to.isEmpty() ? "?" : Masking.phone(to);
    }
}
