package io.callauth.provider.sunsim;

import io.callauth.provider.CallProgress;
import io.callauth.provider.CallStatus;
import io.callauth.provider.ProviderException;
import io.callauth.provider.TrackedCall;
import io.callauth.provider.CallRequest;
import io.callauth.provider.PlacedCall;
import io.callauth.provider.ProvidersConfig;
import io.callauth.provider.support.CallerIdDigest;
import io.callauth.provider.support.ClickToCallProvider;
import io.callauth.provider.support.ProviderHttp;
import io.callauth.provider.support.ProviderMetrics;
import io.callauth.provider.support.RequestTemplate;
import io.callauth.provider.support.SharedToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.callauth.provider.ProviderException.Reason;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * SunSim click-to-call. Tokens: the authorization token creates an access (24 h) / refresh (25 h) pair; a new
 * pair invalidates the previous one, so the pair lives in Redis and exactly one replica creates or refreshes it at
 * a time ({@link SharedToken}); a 401 means create again, once. The call request is configurable (SunSim documents
 * none). The outcome is read from {@code getcalllist} for the destination over the call's window.
 */
@ApplicationScoped
public class SunSimClient extends ClickToCallProvider implements io.callauth.provider.CallRecordSource {

    static final String NAME = "sunsim";
    private static final DateTimeFormatter PERIOD = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final SunSimConfig config;
    /** the call's handle is its calling number, whose last digits are the code: only its digest is kept */
    private final CallerIdDigest digest;
    private final ObjectMapper json;
    private final Clock clock;
    private final RequestTemplate callBody;
    private final java.util.function.Supplier<SunSimApi> api;

    public SunSimClient(SunSimConfig config, ObjectMapper json, Clock clock, ReactiveRedisDataSource redis,
                        ProvidersConfig providers, ProviderMetrics metrics, CallerIdDigest digest) {
        super(NAME, config.callerIds(), providers, metrics, redis, clock, config.tokenRenewBefore(),
                new SharedToken.Backoff(Duration.ofSeconds(5), Duration.ofMinutes(5)));
        this.config = config;
        this.digest = digest;
        this.json = json;
        this.clock = clock;
        this.callBody = new RequestTemplate(config.call().body());
        this.api = ProviderHttp.lazy(() -> ProviderHttp.client(SunSimApi.class, NAME, config.url(),
                config.requestTimeout(), config.requestTimeout()));
    }

    @Override
    public Duration ringTimeout() {
        return config.ringTimeout();
    }

    @Override
    public List<String> missingConfiguration() {
        return SunSimSettings.problems(config);
    }

    @Override
    public Uni<PlacedCall> placeCall(CallRequest request) {
        String callerId = callerIds.pick();
        String body = callBody.render(RequestTemplate.values(request, callerId));
        String path = config.call().path().replaceFirst("^/+", "");
        boolean put = config.call().method().equalsIgnoreCase("PUT");
        return guard.call("call", () -> authorized(access -> put ? api().sendPut(access, path, body)
                : api().send(access, path, body))
                .map(answer -> {
                    checkEnvelope(answer, Reason.REFUSED);
                    // no call id exists: the caller ID identifies the call in the call list, and it shows the code,
                    // so what is kept as the call's id is its digest
                    return new PlacedCall(NAME, digest.of(callerId), callerId, CallStatus.CALLING, null);
                }));
    }

    /**
     * getcalllist for the destination, outgoing, from just before the call was placed: a row from our caller ID
     * means the call went out to the destination (delivered); until then it is still calling.
     */
    @Override
    public Uni<CallProgress> poll(TrackedCall call) {
        ZoneId zone = ZoneId.of(config.timeZone());
        ObjectNode q = json.createObjectNode();
        String dest = call.phone().startsWith("+") ? call.phone().substring(1) : call.phone();
        q.putArray("nums").add(dest);
        q.put("periodStart", PERIOD.format(LocalDateTime.ofInstant(Instant.ofEpochMilli(call.placedAt() - 60_000), zone)));
        q.put("periodEnd", PERIOD.format(LocalDateTime.ofInstant(clock.instant().plusSeconds(60), zone)));
        q.put("direction", 1);
        q.putNull("durationFrom");
        q.putNull("durationTo");
        q.put("isCallRecord", 0);
        q.putNull("isRead");
        String body = q.toString();
        return guard.read("getcalllist", () -> authorized(access -> api().callList(access, body)).map(answer -> {
            JsonNode result = checkEnvelope(answer, Reason.ERROR);
            for (JsonNode row : result.path("rowset")) {
                String ext = row.path("extNum").asText("").replaceAll("[^0-9]", "");
                String abonent = row.path("abonentNum").asText("").replaceAll("[^0-9]", "");
                if (matches(abonent, dest) && (call.providerCallId() == null || sameCaller(ext, call.providerCallId()))) {
                    return new CallProgress(CallStatus.DELIVERED, "callDuration=" + row.path("callDuration").asText(""));
                }
            }
            return CallProgress.calling();
        }));
    }

    /** a row's calling number against what the tracking job kept: its digest (a job from before digests: the number) */
    private boolean sameCaller(String ext, String kept) {
        return CallerIdDigest.isDigest(kept) ? digest.matches(ext, kept) : matches(ext, kept);
    }

    /** numbers in the call list may be national (10 digits) or full: compare the last 10 digits */
    private static boolean matches(String a, String b) {
        int n = Math.min(10, Math.min(a.length(), b.length()));
        return n > 0 && a.substring(a.length() - n).equals(b.substring(b.length() - n));
    }

    /** getcallrecordfile: the recording (mp3) of a call, Base64, for the fraud console */
    public Uni<Recording> recording(String recordFileId) {
        return guard.read("getcallrecordfile", () -> authorized(access -> api().callRecordFile(access, recordFileId))
                .map(answer -> {
                    JsonNode r = checkEnvelope(answer, Reason.ERROR);
                    return new Recording(r.path("file_NAME").asText(null), r.path("fileContent").asText(null));
                }));
    }

    public record Recording(String fileName, String base64Mp3) {
    }

    // ------------------------------------------------------------------ call records (CallRecordSource)

    /**
     * SunSim's record of a call is its {@code getcalllist} row: outgoing calls to the destination from a minute
     * before the call was placed to an hour after (within the documented month of depth), the row whose calling
     * number matches the call's (masked) caller ID in its visible digits, nearest to the placing time. The row is
     * answered with its calling numbers masked. None found: none.
     */
    @Override
    public Uni<Optional<JsonNode>> record(io.callauth.provider.KeptCall call) {
        if (call.phone() == null || call.placedAt() == 0) {
            return Uni.createFrom().item(Optional.empty());
        }
        ZoneId zone = ZoneId.of(config.timeZone());
        String dest = call.phone().startsWith("+") ? call.phone().substring(1) : call.phone();
        Instant placed = Instant.ofEpochMilli(call.placedAt());
        Instant end = placed.plus(Duration.ofHours(1));
        ObjectNode q = json.createObjectNode();
        q.putArray("nums").add(dest);
        q.put("periodStart", PERIOD.format(LocalDateTime.ofInstant(placed.minusSeconds(60), zone)));
        q.put("periodEnd", PERIOD.format(LocalDateTime.ofInstant(end, zone)));
        q.put("direction", 1);
        q.putNull("durationFrom");
        q.putNull("durationTo");
        q.put("isCallRecord", 0);
        q.putNull("isRead");
        String body = q.toString();
        String visible = call.callerId() == null ? "" : call.callerId().replaceAll("[^0-9*]", "");
        return guard.read("getcalllist", () -> authorized(access -> api().callList(access, body)).map(answer -> {
            JsonNode result = checkEnvelope(answer, Reason.ERROR);
            JsonNode best = null;
            long bestGap = Long.MAX_VALUE;
            for (JsonNode row : result.path("rowset")) {
                String abonent = row.path("abonentNum").asText("").replaceAll("[^0-9]", "");
                String ext = row.path("extNum").asText("").replaceAll("[^0-9]", "");
                if (!matches(abonent, dest) || !sameVisibleDigits(ext, visible)) {
                    continue;
                }
                long gap;
                try {
                    gap = Math.abs(LocalDateTime.parse(row.path("callDate").asText("").trim(), PERIOD)
                            .atZone(zone).toInstant().toEpochMilli() - call.placedAt());
                } catch (RuntimeException e) {
                    gap = Long.MAX_VALUE - 1;
                }
                if (gap < bestGap) {
                    best = row;
                    bestGap = gap;
                }
            }
            return Optional.ofNullable(best).map(row -> masked((ObjectNode) row.deepCopy(), call));
        }));
    }

    /** the row's calling numbers as the call's caller ID is shown: masked */
    private static JsonNode masked(ObjectNode row, io.callauth.provider.KeptCall call) {
        int hidden = call.callerId() == null ? 4 : (int) call.callerId().chars().filter(ch -> ch == '*').count();
        for (String field : new String[]{"extNum", "redirectNum"}) {
            String v = row.path(field).asText("");
            if (!v.isEmpty()) {
                row.put(field, io.callauth.common.Masking.callerId(v, hidden));
            }
        }
        return row;
    }

    /** the call list's number against a masked caller ID: the digits left visible match, from the right */
    private static boolean sameVisibleDigits(String number, String masked) {
        if (masked.isEmpty()) {
            return true;
        }
        String m = masked.length() > 10 ? masked.substring(masked.length() - 10) : masked;
        String n = number.length() > m.length() ? number.substring(number.length() - m.length()) : number;
        if (n.length() != m.length()) {
            return false;
        }
        for (int i = 0; i < m.length(); i++) {
            if (m.charAt(i) != '*' && m.charAt(i) != n.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** the row's {@code callRecordId} through {@code getcallrecordfile}: mp3, Base64 in the answer, decoded here */
    @Override
    public Uni<Optional<io.callauth.provider.CallAudio>> recording(io.callauth.provider.KeptCall call,
                                                                   Optional<JsonNode> record) {
        String id = record.map(r -> r.path("callRecordId").asText("")).orElse("");
        if (id.isBlank()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return recording(id).map(r -> {
            if (r.base64Mp3() == null || r.base64Mp3().isEmpty()) {
                return Optional.<io.callauth.provider.CallAudio>empty();
            }
            byte[] bytes;
            try {
                bytes = java.util.Base64.getMimeDecoder().decode(r.base64Mp3());
            } catch (IllegalArgumentException e) {
                throw new ProviderException(NAME, Reason.ERROR, "fileContent is not Base64");
            }
            return Optional.of(new io.callauth.provider.CallAudio(
                    io.callauth.provider.CallAudio.typeOf(r.fileName(), "audio/mpeg"), (long) bytes.length,
                    io.smallrye.mutiny.Multi.createFrom().item(io.vertx.mutiny.core.buffer.Buffer.buffer(bytes))));
        });
    }

    /** getrequestresultbyhash: the stored result of an earlier request, as the provider answered it */
    public Uni<JsonNode> requestResult(String requestHash) {
        return guard.read("getrequestresultbyhash", () -> authorized(access -> api().requestResultByHash(access, requestHash))
                .map(answer -> parse(answer)));
    }

    // ------------------------------------------------------------------ tokens

    /** runs a request with the shared access token; a 401 replaces the token once and retries once */
    private Uni<String> authorized(Function<String, Uni<String>> request) {
        return token.get().chain(t -> request.apply("Bearer " + t.access())
                .onFailure(SunSimClient::unauthorized).recoverWithUni(e -> token.replace(t.access())
                        .chain(fresh -> request.apply("Bearer " + fresh.access()))))
                .onFailure().transform(SunSimClient::failure);
    }

    @Override
    protected Uni<SharedToken.Token> issue(Optional<SharedToken.Token> previous) {
        Uni<String> create = Uni.createFrom().deferred(() ->
                api().create("Bearer " + config.authorizationToken().orElse("")));
        Uni<String> answer = previous.isPresent()
                ? api().refresh("Bearer " + previous.get().refresh())
                .onFailure(SunSimClient::unauthorized).recoverWithUni(() -> create)
                : create;
        return answer.onFailure().transform(SunSimClient::failure).map(this::pair);
    }

    private SharedToken.Token pair(String answer) {
        JsonNode n = parse(answer);
        String access = n.path("accessToken").asText(null);
        String refresh = n.path("refreshToken").asText(null);
        if (access == null || refresh == null) {
            throw new ProviderException(NAME, Reason.ERROR, "token answer without accessToken/refreshToken");
        }
        long now = clock.millis();
        long accessExp = expiry(n.path("accessTokenExpiredIn").asText(null), now + Duration.ofHours(24).toMillis());
        long refreshExp = expiry(n.path("refreshTokenExpiredIn").asText(null), now + Duration.ofHours(25).toMillis());
        return new SharedToken.Token(access, accessExp, refresh, refreshExp);
    }

    /** expiry dates are strings of an undocumented format: ISO instant, ISO local (UTC) or "yyyy-MM-dd HH:mm:ss" */
    private static long expiry(String s, long fallback) {
        if (s == null || s.isBlank()) {
            return fallback;
        }
        try {
            return Instant.parse(s).toEpochMilli();
        } catch (RuntimeException ignored) {
            // next format
        }
        try {
            return LocalDateTime.parse(s.replace(' ', 'T')).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (RuntimeException ignored) {
            return fallback;
        }
    }

    // ------------------------------------------------------------------ answers

    private JsonNode checkEnvelope(String answer, Reason onError) {
        JsonNode n = parse(answer);
        JsonNode error = n.path("error");
        int code = error.path("errorCode").asInt(0);
        if (code != 0) {
            throw new ProviderException(NAME, onError, "errorCode " + code + ": " + error.path("errorMessage").asText(""));
        }
        return n.path("result");
    }

    private JsonNode parse(String answer) {
        return ProviderHttp.object(json, NAME, answer);
    }

    private static boolean unauthorized(Throwable t) {
        return ProviderHttp.isHttpStatus(t, 401);
    }

    static ProviderException failure(Throwable t) {
        return ProviderException.of(NAME, t);
    }

    private SunSimApi api() {
        return api.get();
    }
}
