package io.callauth.provider.runtel;

import io.callauth.provider.CallRequest;
import io.callauth.provider.CallStatus;
import io.callauth.provider.PlacedCall;
import io.callauth.provider.ProviderException;
import io.callauth.provider.ProvidersConfig;
import io.callauth.provider.support.ClickToCallProvider;
import io.callauth.provider.support.ProviderHttp;
import io.callauth.provider.support.ProviderMetrics;
import io.callauth.provider.support.RequestTemplate;
import io.callauth.provider.support.SharedToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.callauth.common.Ids;
import io.callauth.provider.ProviderException.Reason;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runtel PBX click-to-call. Failed logins make the PBX block this host (lifted only by hand), so logins are few:
 * one token shared by all replicas ({@link SharedToken}), and after a failed login nobody logs in again before a
 * growing back-off (minutes) has passed; meanwhile the provider is unavailable and the chain skips it. The call
 * action is configurable (Runtel documents none); its answer must carry code 200 and echo our action_id. Runtel
 * documents no call events either: a placed call stays calling until its ring timeout, then counts as delivered
 * (unconfirmed).
 */
@ApplicationScoped
public class RuntelClient extends ClickToCallProvider {

    static final String NAME = "runtel";

    private final RuntelConfig config;
    private final ObjectMapper json;
    private final Clock clock;
    private final RequestTemplate params;
    private final java.util.function.Supplier<RuntelApi> api;

    public RuntelClient(RuntelConfig config, ObjectMapper json, Clock clock, ReactiveRedisDataSource redis,
                        ProvidersConfig providers, ProviderMetrics metrics) {
        super(NAME, config.callerIds(), providers, metrics, redis, clock, config.tokenRenewBefore(),
                new SharedToken.Backoff(config.loginBackoff(), config.loginBackoffMax()));
        this.config = config;
        this.json = json;
        this.clock = clock;
        this.params = new RequestTemplate(config.call().params());
        this.api = ProviderHttp.lazy(() -> ProviderHttp.client(RuntelApi.class, NAME, config.url(),
                config.requestTimeout(), config.requestTimeout()));
    }

    @Override
    public java.time.Duration ringTimeout() {
        return config.ringTimeout();
    }

    /** no status source is documented: by default a call counts as delivered, unconfirmed (configurable) */
    @Override
    public CallStatus statusAtRingTimeout() {
        return config.atRingTimeout().equalsIgnoreCase("not_delivered") ? CallStatus.NOT_DELIVERED : CallStatus.DELIVERED;
    }

    @Override
    public List<String> missingConfiguration() {
        return RuntelSettings.problems(config);
    }

    @Override
    public Uni<PlacedCall> placeCall(CallRequest request) {
        String callerId = callerIds.pick();
        JsonNode callParams;
        try {
            callParams = json.readTree(params.render(RequestTemplate.values(request, callerId)));
        } catch (Exception e) {
            return Uni.createFrom().failure(new ProviderException(NAME, Reason.ERROR, "call.params is not JSON"));
        }
        String actionId = request.callRef();
        String body = envelope(config.call().action(), config.call().obj(), actionId, callParams);
        return guard.call("call", () -> token.get()
                .chain(t -> exchange(t.access(), body).chain(n -> n.path("code").asInt(0) != 401
                        ? Uni.createFrom().item(n)
                        // the token expired or was revoked: one new login (shared, backed off), one retry
                        : token.replace(t.access()).chain(fresh -> exchange(fresh.access(), body))))
                .map(n -> {
                    int code = n.path("code").asInt(0);
                    if (code == 401) {
                        throw new ProviderException(NAME, Reason.ERROR, "token rejected after a new login");
                    }
                    if (code != 200) {
                        throw new ProviderException(NAME, code >= 500 ? Reason.ERROR : Reason.REFUSED, "code " + code);
                    }
                    if (!actionId.equals(n.path("action_id").asText(null))) {
                        throw new ProviderException(NAME, Reason.ERROR, "answer does not echo our action_id");
                    }
                    return new PlacedCall(NAME, n.path("body").path("call_id").asText(actionId), callerId,
                            CallStatus.CALLING, null);
                }));
    }

    /** one authorized request; an HTTP 401 reads as {@code code 401} like the body's own */
    private Uni<JsonNode> exchange(String access, String body) {
        return api().authorized("Bearer " + access, body)
                .map(this::parse)
                .onFailure(RuntelClient::unauthorized).recoverWithItem(() -> json.createObjectNode().put("code", 401))
                .onFailure().transform(e -> ProviderException.of(NAME, e));
    }

    @Override
    protected Uni<SharedToken.Token> issue(Optional<SharedToken.Token> previous) {
        ObjectNode p = json.createObjectNode();
        p.put("login", config.login().orElse(""));
        p.put("password", config.password().orElse(""));
        String body = envelope("auth", "User", Ids.random("auth-", 4), p);
        return api().anonymous(body)
                .onFailure().transform(e -> ProviderException.of(NAME, e))
                .map(answer -> {
                    JsonNode n = parse(answer);
                    String t = n.path("body").path("token").asText(null);
                    if (n.path("code").asInt(0) != 200 || t == null || t.isBlank()) {
                        throw new ProviderException(NAME, Reason.UNAVAILABLE, "login refused (code "
                                + n.path("code").asText("?") + ")");
                    }
                    long now = clock.millis();
                    long max = now + config.tokenMaxAge().toMillis();
                    long exp = max;
                    try {
                        exp = Math.min(max, LocalDateTime.parse(n.path("body").path("exp").asText())
                                .toInstant(ZoneOffset.UTC).toEpochMilli());
                    } catch (RuntimeException ignored) {
                        // no or unreadable exp: the max age applies
                    }
                    return new SharedToken.Token(t, exp, null, 0);
                });
    }

    private String envelope(String action, String obj, String actionId, JsonNode params) {
        ObjectNode n = json.createObjectNode();
        n.put("action", action);
        n.put("obj", obj);
        n.put("action_id", actionId);
        n.set("params", params);
        return n.toString();
    }

    private JsonNode parse(String answer) {
        return ProviderHttp.object(json, NAME, answer);
    }

    private static boolean unauthorized(Throwable t) {
        return ProviderHttp.isHttpStatus(t, 401);
    }

    private RuntelApi api() {
        return api.get();
    }
}
