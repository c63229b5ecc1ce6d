package io.callauth.provider.callpass;

import io.callauth.provider.CallProgress;
import io.callauth.provider.CallStatus;
import io.callauth.provider.ProviderException;
import io.callauth.provider.TrackedCall;
import io.callauth.provider.CallProvider;
import io.callauth.provider.CallRequest;
import io.callauth.provider.Channel;
import io.callauth.provider.PlacedCall;
import io.callauth.provider.ProvidersConfig;
import io.callauth.provider.support.ProviderGuard;
import io.callauth.provider.support.ProviderHttp;
import io.callauth.provider.support.ProviderMetrics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callauth.provider.ProviderException.Reason;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * CallPass flash calls. v2 / v3 place the call with {@code async=1} and the outcome is polled with
 * {@code get-call-password-status}; v1 is synchronous (the answer waits for the call's status) and runs on a worker
 * thread, never on the event loop. The code is the last digits of {@code pin} or {@code phone}, whichever the
 * answer carries.
 */
@ApplicationScoped
public class CallPassClient implements CallProvider, io.callauth.provider.CallRecordSource {

    static final String NAME = "callpass";
    static final Set<String> VERSIONS = Set.of("v1", "v2", "v3");

    private final CallPassConfig config;
    private final ObjectMapper json;
    private final ProviderGuard guard;
    private final java.util.function.Supplier<CallPassApi> api;
    private final java.util.function.Supplier<CallPassApi> syncApi;

    public CallPassClient(CallPassConfig config, ObjectMapper json, ProvidersConfig providers, ProviderMetrics metrics) {
        this.config = config;
        this.json = json;
        this.guard = new ProviderGuard(NAME, providers.circuit(), metrics);
        this.api = ProviderHttp.lazy(() -> build(config.requestTimeout()));
        this.syncApi = ProviderHttp.lazy(() -> build(ringTimeout().plus(config.requestTimeout())));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean serves(Channel channel) {
        return channel == Channel.FLASHCALL;
    }

    @Override
    public Duration ringTimeout() {
        return Duration.ofSeconds(config.ringTimeout());
    }

    @Override
    public List<String> missingConfiguration() {
        return CallPassSettings.problems(config);
    }

    @Override
    public java.util.Optional<ProviderGuard> guard() {
        return java.util.Optional.of(guard);
    }

    @Override
    public Uni<PlacedCall> placeCall(CallRequest request) {
        String dn = request.phone().startsWith("+") ? request.phone().substring(1) : request.phone();
        if (!dn.startsWith("7") || dn.length() < 11) {
            // CallPass dials only 11+ digit numbers starting with 7
            return Uni.createFrom().failure(new ProviderException(NAME, Reason.REFUSED, "destination outside +7"));
        }
        if (config.apiVersion().equals("v1")) {
            return guard.call("start-call-password", () -> Uni.createFrom()
                    .item(() -> syncApi().startSync(bearer(), dn, config.ringTimeout()))
                    .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                    .onFailure().transform(CallPassClient::failure)
                    .map(this::placed));
        }
        return guard.call("start-call-password", () -> api()
                .startAsync(path(config.apiVersion()), bearer(), dn, config.ringTimeout(), 1)
                .onFailure().transform(CallPassClient::failure)
                .map(this::placed));
    }

    @Override
    public Uni<CallProgress> poll(TrackedCall call) {
        // v1 has no status method of its own; its calls are final when placed, but a v1 answer of "success" is
        // followed up through v2.0
        String version = config.apiVersion().equals("v1") ? "v2" : config.apiVersion();
        return guard.read("get-call-password-status", () -> api()
                .status(path(version), bearer(), call.providerCallId())
                .onFailure().transform(CallPassClient::failure)
                .map(this::progress));
    }

    /**
     * CallPass keeps a call's status: its record is the {@code get-call-password-status} result ({@code data}: the
     * call id and {@code result}, or the error it answers), read under the read circuit, without the code digits
     * ({@code pin}, {@code phone}) should an answer carry them. CallPass keeps no recordings.
     */
    @Override
    public Uni<java.util.Optional<JsonNode>> record(io.callauth.provider.KeptCall call) {
        if (call.providerCallId() == null) {
            return Uni.createFrom().item(java.util.Optional.empty());
        }
        String version = config.apiVersion().equals("v1") ? "v2" : config.apiVersion();
        return guard.read("get-call-password-status", () -> api()
                .status(path(version), bearer(), call.providerCallId())
                .onFailure().transform(CallPassClient::failure)
                .map(body -> {
                    com.fasterxml.jackson.databind.node.ObjectNode data =
                            (com.fasterxml.jackson.databind.node.ObjectNode) data(body).deepCopy();
                    data.remove(List.of("pin", "phone"));
                    return java.util.Optional.<JsonNode>of(data);
                }));
    }

    @Override
    public boolean keepsRecording(java.util.Optional<JsonNode> record) {
        return false; // CallPass keeps a status result, never audio
    }

    @Override
    public Uni<java.util.Optional<io.callauth.provider.CallAudio>> recording(io.callauth.provider.KeptCall call,
                                                                             java.util.Optional<JsonNode> record) {
        return Uni.createFrom().item(java.util.Optional.empty());
    }

    private PlacedCall placed(String body) {
        JsonNode data = data(body);
        String result = text(data, "result");
        if ("error".equals(result)) {
            throw new ProviderException(NAME, Reason.REFUSED, text(data, "message") == null ? "refused" : text(data, "message"));
        }
        String callid = text(data, "callid");
        String digits = text(data, "pin") != null ? text(data, "pin") : text(data, "phone");
        if (callid == null || digits == null) {
            throw new ProviderException(NAME, Reason.ERROR, "answer without callid or code digits");
        }
        CallStatus status = "success".equals(result) ? CallStatus.CALLING : CallPassStatus.map(result);
        return new PlacedCall(NAME, callid, digits, status, result);
    }

    private CallProgress progress(String body) {
        JsonNode data = data(body);
        String result = text(data, "result");
        if ("error".equals(result)) {
            // e.g. "can't find callid": the provider has no such call, it will not ring
            return new CallProgress(CallStatus.NOT_DELIVERED, text(data, "message"));
        }
        return new CallProgress(CallPassStatus.map(result), result);
    }

    private JsonNode data(String body) {
        JsonNode n = ProviderHttp.object(json, NAME, body);
        if (!"success".equals(text(n, "status"))) {
            String msg = text(n, "message");
            throw new ProviderException(NAME, Reason.ERROR, msg == null ? "status is not success" : msg);
        }
        JsonNode data = n.get("data");
        if (data == null || !data.isObject()) {
            throw new ProviderException(NAME, Reason.ERROR, "answer without data");
        }
        return data;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static ProviderException failure(Throwable t) {
        return ProviderException.of(NAME, t);
    }

    private String bearer() {
        return "Bearer " + config.token().orElse("");
    }

    private static String path(String version) {
        return version + ".0";
    }

    private CallPassApi api() {
        return api.get();
    }

    private CallPassApi syncApi() {
        return syncApi.get();
    }

    private CallPassApi build(Duration readTimeout) {
        return ProviderHttp.client(CallPassApi.class, NAME, config.url(), config.requestTimeout(), readTimeout);
    }
}
