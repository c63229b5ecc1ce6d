package io.callauth.provider.sunsim;

import io.callauth.provider.CallProgress;
import io.callauth.provider.CallStatus;
import io.callauth.provider.ProviderException;
import io.callauth.provider.TrackedCall;
import io.callauth.provider.CallRequest;
import io.callauth.provider.KeptCall;
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
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * SunSim click-to-call. Tokens: the authorization token creates an access (24 h) / refresh (25 h) pair; a new
 * pair invalidates the previous one, so the pair lives in Redis and exactly one replica creates or refreshes it at
 * a time ({@link SharedToken}); a 401 means create again, once. The call request is configurable (SunSim documents
 * none). The outcome is read from {@code getcalllist} over the call's window ({@link SunSimCallList}).
 */
@ApplicationScoped
public class SunSimClient extends ClickToCallProvider implements io.callauth.provider.CallRecordSource {

    static final String NAME = "sunsim";

    private final SunSimConfig config;
    /** the call's handle is its calling number, whose last digits are the code: only its digest is kept */
    private final CallerIdDigest digest;
    private final ObjectMapper json;
    private final Clock clock;
    private final RequestTemplate callBody;
    private final SunSimCallList callList;
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
        this.callList = new SunSimCallList(config, json, callerIds.numbers());
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
     * getcalllist by our caller ID (see {@link SunSimCallList}), outgoing, from a minute before the call was placed:
     * a row of a call from our caller ID to the destination, in either layout, means the call went out to the
     * destination (delivered); until then it is still calling.
     */
    @Override
    public Uni<CallProgress> poll(TrackedCall call) {
        String dest = SunSimCallList.digits(call.phone());
        Predicate<String> ours = caller(call.providerCallId());
        String body = callList.query(callList.nums(dest, ours), Instant.ofEpochMilli(call.placedAt() - 60_000),
                clock.instant().plusSeconds(60));
        return guard.read("getcalllist", () -> authorized(access -> api().callList(access, body)).map(answer -> {
            JsonNode result = checkEnvelope(answer, Reason.ERROR);
            for (JsonNode row : result.path("rowset")) {
                if (SunSimCallList.callerField(row, dest, ours) != null) {
                    return new CallProgress(CallStatus.DELIVERED,
                            "callDuration=" + row.path("callDuration").asText(""));
                }
            }
            return CallProgress.calling();
        }));
    }

    /**
     * A row's calling number against what the tracking job kept: its digest (a job from before digests: the number;
     * none: any number of the pool, never another account's).
     */
    private Predicate<String> caller(String kept) {
        if (kept == null) {
            return n -> callerIds.numbers().stream().anyMatch(p -> SunSimCallList.sameNumber(n, p));
        }
        return CallerIdDigest.isDigest(kept) ? n -> digest.matches(n, kept) : n -> SunSimCallList.sameNumber(n, kept);
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
     * SunSim's record of a call is its {@code getcalllist} row: outgoing calls of our caller ID from a minute before
     * the call was placed to an hour after (within the documented month of depth), the row of a call to the
     * destination from a number that is the call's caller ID (its digest when kept, else a number of the pool with the
     * digits its masked form shows), in either layout, nearest to the placing time. The row is answered with its
     * calling numbers masked. None found: none.
     */
    @Override
    public Uni<Optional<JsonNode>> record(KeptCall call) {
        if (call.phone() == null || call.placedAt() == 0) {
            return Uni.createFrom().item(Optional.empty());
        }
        String dest = SunSimCallList.digits(call.phone());
        Instant placed = Instant.ofEpochMilli(call.placedAt());
        String visible = call.callerId() == null ? "" : call.callerId().replaceAll("[^0-9*]", "");
        Predicate<String> ours = CallerIdDigest.isDigest(call.providerCallId()) || visible.isEmpty()
                ? caller(call.providerCallId())
                : n -> SunSimCallList.sameVisibleDigits(n, visible) && caller(null).test(n);
        String body = callList.query(callList.nums(dest, ours), placed.minusSeconds(60),
                placed.plus(Duration.ofHours(1)));
        return guard.read("getcalllist", () -> authorized(access -> api().callList(access, body)).map(answer -> {
            JsonNode result = checkEnvelope(answer, Reason.ERROR);
            JsonNode best = null;
            String bestField = null;
            long bestGap = Long.MAX_VALUE;
            for (JsonNode row : result.path("rowset")) {
                String field = SunSimCallList.callerField(row, dest, ours);
                if (field == null) {
                    continue;
                }
                Instant at = callList.callDate(row);
                long gap = at == null ? Long.MAX_VALUE - 1 : Math.abs(at.toEpochMilli() - call.placedAt());
                if (gap < bestGap) {
                    best = row;
                    bestField = field;
                    bestGap = gap;
                }
            }
            String field = bestField;
            return Optional.ofNullable(best).map(row -> masked((ObjectNode) row.deepCopy(), field, call));
        }));
    }

    /** the row's calling numbers (the caller's field and redirectNum) as the call's caller ID is shown: masked */
    private static JsonNode masked(ObjectNode row, String callerField, KeptCall call) {
        int hidden = call.callerId() == null ? 4 : (int) call.callerId().chars().filter(ch -> ch == '*').count();
        for (String field : new String[]{callerField, "redirectNum"}) {
            String v = row.path(field).asText("");
            if (!v.isEmpty()) {
                row.put(field, io.callauth.common.Masking.callerId(v, hidden));
            }
        }
        return row;
    }

    /** a recording exists when the call list row has a {@code callRecordId} */
    @Override
    public boolean keepsRecording(Optional<JsonNode> record) {
        return record.map(r -> !r.path("callRecordId").asText("").isBlank()).orElse(false);
    }

    /** the row's {@code callRecordId} through {@code getcallrecordfile}: mp3, Base64 in the answer, decoded here */
    @Override
    public Uni<Optional<io.callauth.provider.CallAudio>> recording(KeptCall call,
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
