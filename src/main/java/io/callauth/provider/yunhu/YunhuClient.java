package io.callauth.provider.yunhu;

import io.callauth.provider.CallRequest;
import io.callauth.provider.CallStatus;
import io.callauth.provider.PlacedCall;
import io.callauth.provider.ProviderException;
import io.callauth.provider.ProvidersConfig;
import io.callauth.provider.support.CallerIds;
import io.callauth.provider.support.ClickToCallProvider;
import io.callauth.provider.support.ProviderHttp;
import io.callauth.provider.support.ProviderMetrics;
import io.callauth.provider.support.RequestTemplate;
import io.callauth.provider.support.SharedToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callauth.provider.ProviderException.Reason;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Yunhu click-to-call (yunhu.seed.md and the vendor's public documentation). One token for every replica
 * ({@link SharedToken}), valid 12 h and renewed ahead; {@code ret} 600 (token invalid) or error 1010 (extension
 * changed: the documented cure is Logout, then Login) means one new login and one retry. {@code MakeCall} rings a
 * SIP extension, then the user from a caller ID of the pool with {@code customuuid} = our call id; its answer is an
 * acknowledgement without a call id. Outcomes arrive as callbacks ({@link YunhuCallbacks}); none by the ring timeout
 * plus grace counts as not delivered (the tracker's default).
 */
@ApplicationScoped
public class YunhuClient extends ClickToCallProvider implements io.callauth.provider.CallRecordSource {

    static final String NAME = "yunhu";
    static final String LOGIN = "App.Sip_Auth.Login";
    static final String LOGOUT = "App.Sip_Auth.Logout";
    private static final Logger LOG = Logger.getLogger(YunhuClient.class);
    /** errors.code values that concern the account or its set-up, not one call: they count against the circuit */
    private static final Set<String> ACCOUNT_ERRORS = Set.of("1001", "1003", "1010", "1011", "1012", "1013", "1014",
            "1019", "1020", "1021");

    private final YunhuConfig config;
    private final ObjectMapper json;
    private final Clock clock;
    private final CallerIds extensions;
    private final RequestTemplate dial;
    private final java.util.function.Supplier<YunhuApi> api;

    public YunhuClient(YunhuConfig config, ObjectMapper json, Clock clock, ReactiveRedisDataSource redis,
                       ProvidersConfig providers, ProviderMetrics metrics) {
        super(NAME, config.callerIds(), providers, metrics, redis, clock, config.tokenRenewBefore(),
                new SharedToken.Backoff(Duration.ofSeconds(5), Duration.ofMinutes(5)));
        this.config = config;
        this.json = json;
        this.clock = clock;
        this.extensions = new CallerIds(config.extnumber());
        this.dial = new RequestTemplate(config.dialFormat());
        this.api = ProviderHttp.lazy(() -> ProviderHttp.client(YunhuApi.class, NAME, config.url(),
                config.requestTimeout(), config.requestTimeout()));
    }

    @Override
    public Duration ringTimeout() {
        return config.ringTimeout();
    }

    boolean doubleCall() {
        return config.method().equalsIgnoreCase("DoubleCall");
    }

    @Override
    public List<String> missingConfiguration() {
        return YunhuSettings.problems(config);
    }

    @Override
    public Uni<PlacedCall> placeCall(CallRequest request) {
        String callerId = callerIds.pick();
        String destination = dial.render(RequestTemplate.values(request, callerId));
        String extension = extensions.isEmpty() ? "" : extensions.pick();
        Map<String, String> form = new LinkedHashMap<>();
        form.put("extnumber", extension);
        if (doubleCall()) {
            form.put("anumber", destination);
            form.put("bnumber", extension);
        } else {
            form.put("destnumber", destination);
        }
        form.put("disnumber", callerId);
        form.put("customuuid", request.callRef());
        String service = doubleCall() ? "App.Sip_Call.DoubleCall" : "App.Sip_Call.MakeCall";
        return guard.call("call", () -> authorized(service, form))
                .map(data -> new PlacedCall(NAME, request.callRef(), callerId, CallStatus.CALLING, null));
    }

    /** GetRecodeFile: a download link of a call's recording (kept 3 months), for the fraud console */
    public Uni<Recording> recording(String fileName) {
        return guard.read("getrecodefile", () -> authorized("App.Sip_Cdr.GetRecodeFile", Map.of("filename", fileName)))
                .map(data -> new Recording(data.path("result").path("downurl").asText(null),
                        data.path("result").path("expiredtime").asText(null)));
    }

    public record Recording(String downloadUrl, String expires) {
    }

    // ------------------------------------------------------------------ call records (CallRecordSource)

    /**
     * Yunhu's record of a call is the CDR it pushed ({@link YunhuCallbacks}), kept with the call; none pushed, none
     * kept. ({@code GetBill} pages the account's CDRs, but no source gives the shape of its answer, so it is not
     * used to look calls up.)
     */
    @Override
    public Uni<Optional<JsonNode>> record(io.callauth.provider.KeptCall call) {
        return Uni.createFrom().item(Optional.ofNullable(call.pushed()).filter(JsonNode::isObject));
    }

    /** a recording exists when the CDR names its file */
    @Override
    public boolean keepsRecording(Optional<JsonNode> record) {
        return record.map(r -> !YunhuEvents.text(r, "recordfilename").isEmpty()).orElse(false);
    }

    /**
     * The CDR's {@code recordfilename} through {@code GetRecodeFile} (read circuit), then its {@code downurl},
     * streamed: the link and the token stay here. No file name, or the file gone: none.
     */
    @Override
    public Uni<Optional<io.callauth.provider.CallAudio>> recording(io.callauth.provider.KeptCall call, Optional<JsonNode> record) {
        String file = record.map(r -> YunhuEvents.text(r, "recordfilename")).orElse("");
        if (file.isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return recording(file).chain(link -> link.downloadUrl() == null || link.downloadUrl().isBlank()
                ? Uni.createFrom().item(Optional.<io.callauth.provider.CallAudio>empty())
                : guard.read("download", () -> io.callauth.provider.support.AudioDownload.get(NAME, link.downloadUrl(),
                config.requestTimeout(), io.callauth.provider.CallAudio.typeOf(file, "audio/mpeg"))));
    }

    /** GetBill: one page of call records ({@code starttime}/{@code endtime} as Yunhu takes them), as answered */
    public Uni<JsonNode> bill(String startTime, String endTime, int syncFlag, int page, int perPage) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("starttime", startTime);
        form.put("endtime", endTime);
        form.put("syncflag", Integer.toString(syncFlag));
        form.put("currentpage", Integer.toString(page));
        form.put("itemsperpage", Integer.toString(perPage));
        return guard.read("getbill", () -> authorized("App.Sip_Cdr.GetBill", form)).map(data -> data.path("result"));
    }

    // ------------------------------------------------------------------ envelope and tokens

    /**
     * One method call with the shared token. {@code ret} 600 or error 1010: a new login (for 1010 after logging the
     * old token out, as the documentation prescribes) and one retry. Answers {@code data} of a successful call.
     */
    private Uni<JsonNode> authorized(String service, Map<String, String> params) {
        return token.get().chain(t -> send(service, t.access(), params).chain(answer -> {
            if (!needsNewLogin(answer)) {
                return Uni.createFrom().item(answer);
            }
            Uni<Void> clear = errorCode(answer).equals("1010") ? logout(t.access()) : Uni.createFrom().voidItem();
            return clear.chain(() -> token.replace(t.access()))
                    .chain(fresh -> send(service, fresh.access(), params))
                    .invoke(again -> {
                        if (needsNewLogin(again)) {
                            throw new ProviderException(NAME, Reason.ERROR, "token rejected after a new login ("
                                    + describe(again) + ")");
                        }
                    });
        })).map(answer -> data(service, answer));
    }

    private Uni<JsonNode> send(String service, String accessToken, Map<String, String> params) {
        MultivaluedMap<String, String> form = new MultivaluedHashMap<>();
        form.putSingle("service", service);
        if (accessToken != null) {
            form.putSingle("token", accessToken);
        }
        params.forEach(form::putSingle);
        return Uni.createFrom().deferred(() -> api().invoke(form))
                .onFailure().transform(e -> ProviderException.of(NAME, e))
                .map(answer -> ProviderHttp.object(json, NAME, answer));
    }

    private static boolean needsNewLogin(JsonNode answer) {
        return answer.path("ret").asInt(0) == 600 || errorCode(answer).equals("1010");
    }

    private static String errorCode(JsonNode answer) {
        return answer.path("ret").asInt(0) == 200 && answer.path("data").path("status").asInt(0) == 1
                ? answer.path("data").path("errors").path("code").asText("") : "";
    }

    /** {@code data} of a successful answer; a {@link ProviderException} saying why otherwise */
    private static JsonNode data(String service, JsonNode answer) {
        int ret = answer.path("ret").asInt(0);
        if (ret == 200 && answer.path("data").path("status").asInt(-1) == 0) {
            return answer.path("data");
        }
        Reason reason;
        if (ret == 200) {
            reason = ACCOUNT_ERRORS.contains(errorCode(answer)) ? Reason.ERROR : Reason.REFUSED;
        } else {
            // 400 bad request (the number, usually) is a refusal; 500, 600 and 601..604 (appid, licence, IP) concern
            // every call
            reason = ret == 400 ? Reason.REFUSED : Reason.ERROR;
        }
        throw new ProviderException(NAME, reason, service + ": " + describe(answer));
    }

    private static String describe(JsonNode answer) {
        int ret = answer.path("ret").asInt(0);
        if (ret != 200) {
            return "ret " + answer.path("ret").asText("?") + " " + answer.path("msg").asText("");
        }
        JsonNode errors = answer.path("data").path("errors");
        return "error " + errors.path("code").asText("?") + " " + errors.path("codemsg").asText("");
    }

    /** Yunhu has no refresh: always a login */
    @Override
    protected Uni<SharedToken.Token> issue(Optional<SharedToken.Token> previous) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("appid", config.appid().orElse(""));
        form.put("accesskey", config.accesskey().orElse(""));
        return send(LOGIN, null, form).map(answer -> {
            String t = answer.path("data").path("result").path("token").asText(null);
            if (answer.path("ret").asInt(0) != 200 || answer.path("data").path("status").asInt(-1) != 0
                    || t == null || t.isBlank()) {
                throw new ProviderException(NAME, Reason.UNAVAILABLE, "login refused (" + describe(answer) + ")");
            }
            return new SharedToken.Token(t, clock.millis() + config.tokenLifetime().toMillis(), null, 0);
        });
    }

    /** Logout clears a token Yunhu holds for the account; failures are only logged (a new login follows anyway) */
    private Uni<Void> logout(String stale) {
        return send(LOGOUT, null, Map.of("token", stale))
                .onItemOrFailure().transform((answer, failure) -> {
                    if (failure != null || answer.path("ret").asInt(0) != 200) {
                        LOG.debugf("yunhu: logout of the rejected token failed: %s",
                                failure != null ? failure.getMessage() : describe(answer));
                    }
                    return null;
                });
    }

    private YunhuApi api() {
        return api.get();
    }
}
