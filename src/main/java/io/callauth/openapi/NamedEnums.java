package io.callauth.openapi;

import io.callauth.attempts.AttemptType;
import io.callauth.attempts.AttemptsResource;
import io.callauth.provider.CallStatus;
import io.callauth.provider.Channel;
import io.callauth.rules.Rule;
import io.callauth.verification.VerificationStatus;
import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.Schema;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The enumerations of the published document as named component schemas, built at build time from the code's own
 * lists (the Java enums, {@link Problem#CODES}, ...) so that the document cannot drift from what the service does.
 * Properties and parameters refer to them with {@code @Schema(ref = NamedEnums.X)}: one type per enumeration in
 * every generated client (not one per property, and not none, as with inline enums in Python).
 * <p>
 * The compatibility policy (see README, "Generated clients"):
 * <ul>
 * <li><b>closed</b> ({@code enum}): {@code VerificationStatus}, {@code CallStatus}, {@code Channel}, {@code GroupBy},
 * {@code RuleAction}, {@code RuleMode}. A client may switch over them exhaustively; a new value comes only with a new
 * API version, or (a channel) only to a client that asks for it by name.</li>
 * <li><b>open</b> ({@code type: string} with the known values in {@code x-extensible-enum} and the description):
 * {@code ProblemCode}, {@code AttemptType}, {@code TimelineEventType}. New values may be added within v1; a generated
 * client reads them as plain strings, so an unknown one never fails the decoding of an answer. As a filter, an
 * unknown {@code AttemptType} is still a 400.</li>
 * </ul>
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.BUILD)
public class NamedEnums implements OASFilter {

    public static final String VERIFICATION_STATUS = "VerificationStatus";
    public static final String CALL_STATUS = "CallStatus";
    public static final String CHANNEL = "Channel";
    public static final String ATTEMPT_TYPE = "AttemptType";
    public static final String PROBLEM_CODE = "ProblemCode";
    public static final String GROUP_BY = "GroupBy";
    public static final String TIMELINE_EVENT_TYPE = "TimelineEventType";
    public static final String RULE_ACTION = "RuleAction";
    public static final String RULE_MODE = "RuleMode";
    public static final String WEBHOOK_EVENT_TYPE = "WebhookEventType";
    public static final String WEBHOOK_FORMAT = "WebhookFormat";
    public static final String WEBHOOK_DELIVERY_STATUS = "WebhookDeliveryStatus";

    /** the extension that lists an open set's known values (generators ignore it: the type stays a string) */
    public static final String EXTENSIBLE = "x-extensible-enum";

    /** the channel a client may ask for besides the concrete ones: the chain decides */
    public static final String AUTO = "auto";

    private static final String CLOSED = "\n\nA closed set: a client may handle these values exhaustively; a new value "
            + "comes only with a new API version.";
    private static final String OPEN = "\n\nAn open set: these are the values of this version, and new ones may be "
            + "added at any time (none is removed or renamed within v1). A client must not fail on a value it does "
            + "not know. Generated clients see a string; the known values are also listed in `x-extensible-enum`.";

    /** One enumeration: its values in document order, what each means (may be empty), open or closed. */
    public record Definition(String name, String description, Map<String, String> values, boolean open) {

        public List<String> names() {
            return List.copyOf(values.keySet());
        }

        Schema schema() {
            StringBuilder d = new StringBuilder(description);
            if (values.values().stream().anyMatch(v -> !v.isEmpty())) {
                d.append('\n');
                values.forEach((k, v) -> d.append("\n* `").append(k).append('`').append(v.isEmpty() ? "" : ": " + v));
            }
            d.append(open ? OPEN : CLOSED);
            Schema s = OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING)).description(d.toString())
                    .examples(List.of(values.keySet().iterator().next()));
            if (open) {
                s.addExtension(EXTENSIBLE, new ArrayList<>(values.keySet()));
            } else {
                s.enumeration(new ArrayList<>(values.keySet()));
            }
            return s;
        }
    }

    public static List<Definition> definitions() {
        return List.of(
                new Definition(VERIFICATION_STATUS, "A verification's state: `pending` until the code is checked "
                        + "right (`approved`), the tries are used up (`max_attempts_reached`), the code's lifetime "
                        + "ends (`expired`), it is canceled (`canceled`), or no provider could get a call through "
                        + "(`failed`).", plain(Arrays.stream(VerificationStatus.values()).map(VerificationStatus::wire)),
                        false),
                new Definition(CALL_STATUS, "A call, as callauth sees it whatever the provider calls it: `queued` "
                        + "(not placed yet), `calling`, `delivered` (the number was shown), `not_delivered`, `failed` "
                        + "(could not be placed, or ended in an error). Providers' own states are mapped to these.",
                        plain(Arrays.stream(CallStatus.values()).map(CallStatus::wire)), false),
                new Definition(CHANNEL, "How the code reaches the user: `flashcall` (the code is the last digits of "
                        + "the calling number; the user need not answer) or `voice` (spoken). `auto`: the chain "
                        + "decides, flash call first (in a request; in a verification, until a call was placed). A "
                        + "channel added later is used only for a client that asks for it by name: `auto` keeps to "
                        + "these.", plain(Stream.concat(Stream.of(AUTO),
                        Arrays.stream(Channel.values()).map(Channel::wire))), false),
                new Definition(ATTEMPT_TYPE, "What a record of the attempt log is about. As the `type` filter, only "
                        + "these are accepted (another is 400 `invalid_request`).", attemptTypes(), true),
                new Definition(PROBLEM_CODE, "The stable, machine-readable cause of an error (`Problem.code`). "
                        + "Branch on it, not on `title` or `detail`. A code this list does not name is handled by the "
                        + "answer's HTTP status: 4xx, the request must change (429: try again after `Retry-After`); "
                        + "503, try again after `Retry-After`; other 5xx, our fault.", Problem.CODES, true),
                new Definition(GROUP_BY, "What a summary's groups are: `hour` and `day` group by time (UTC), the "
                        + "others by the record's member of that name.", plain(AttemptsResource.GROUP_BY.stream()),
                        false),
                new Definition(TIMELINE_EVENT_TYPE, "What happened to a verification; which members an event "
                        + "carries depends on its type.", TimelineEvent.TYPES, true),
                new Definition(RULE_ACTION, "What a rule does.", ordered(Rule.BLOCK, "refuse a start that "
                        + "matches (403 `destination_not_allowed`, `reason: \"rule\"`)", Rule.ALLOW, "never refuse what "
                        + "matches for the geo permissions, the number types or the prefix limit (the destination "
                        + "limit still holds)"), false),
                new Definition(RULE_MODE, "Whether a rule acts.", ordered(Rule.ENFORCE, "it acts", Rule.MONITOR,
                        "it only logs (as `refused` with `outcome: monitor`) and counts what it would have refused"),
                        false),
                new Definition(WEBHOOK_EVENT_TYPE, "What a webhook event is about. The `verification.*` types go to "
                        + "the endpoints of the key that started the verification (and of fraud keys); the others only "
                        + "to endpoints of keys with the fraud role. `webhook.test` is sent only on request.",
                        plain(Arrays.stream(io.callauth.webhooks.EventType.values())
                                .map(io.callauth.webhooks.EventType::wire)), true),
                new Definition(WEBHOOK_FORMAT, "How an endpoint gets its events.", ordered("single", "one event per "
                        + "request", "batch", "JSON arrays of up to 500 events per request (a SIEM)"), false),
                new Definition(WEBHOOK_DELIVERY_STATUS, "Where an event stands for one endpoint.", ordered(
                        "delivered", "a try was answered 2xx", "pending", "a try is due (the first, or another after "
                                + "a failed one)", "failed", "no try left, or the endpoint answered 410"), false));
    }

    private static Map<String, String> attemptTypes() {
        Map<String, String> m = new LinkedHashMap<>();
        for (AttemptType t : AttemptType.values()) {
            m.put(t.wire(), switch (t) {
                case STARTED -> "a verification was created";
                case REFUSED -> "a start or resend was refused (`reason`, `rule`; `outcome: monitor` when a rule in "
                        + "monitor mode only noted it)";
                case CALL_PLACED -> "a provider placed a call";
                case CALL_FAILED -> "a provider refused or errored (`outcome`, `reason`)";
                case CALL_OUTCOME -> "a placed call ended (`outcome`: `delivered`, `not_delivered`, `failed`)";
                case FALLBACK -> "the next provider takes over (`provider`, `reason`)";
                case RESEND -> "the client asked for a new call";
                case CHECK -> "a code was checked (`outcome`: `valid`, `invalid`)";
                case APPROVED, MAX_ATTEMPTS_REACHED, CANCELED, EXPIRED -> "the verification ended so";
                case FAILED -> "the verification ended so: no provider could deliver a call (`reason`)";
                case AUTO_BLOCK -> "the automatic defence blocked a range, carrier, country, app, network or device "
                        + "(`rule`: `rule:<id>`; `detail`: dimension, value, level, until, evidence)";
                case AUTO_BLOCK_RELEASED -> "an automatic block ended: it expired or was released (`rule`, `detail`)";
            });
        }
        return m;
    }

    private static Map<String, String> plain(Stream<String> values) {
        Map<String, String> m = new LinkedHashMap<>();
        values.forEach(v -> m.put(v, ""));
        return m;
    }

    private static Map<String, String> ordered(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Override
    public void filterOpenAPI(OpenAPI api) {
        Components components = api.getComponents();
        if (components == null) {
            components = OASFactory.createComponents();
            api.setComponents(components);
        }
        Map<String, Schema> schemas = new TreeMap<>(components.getSchemas() == null ? Map.of()
                : components.getSchemas());
        for (Definition d : definitions()) {
            schemas.put(d.name(), d.schema());
        }
        components.setSchemas(schemas);
    }
}
