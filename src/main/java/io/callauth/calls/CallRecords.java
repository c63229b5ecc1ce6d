package io.callauth.calls;

import io.callauth.provider.CallRecordSource;
import io.callauth.provider.KeptCall;
import io.callauth.provider.ProviderException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callauth.attempts.CallArchive;
import io.callauth.common.ApiProblem;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The calls of a verification with the providers' own records, and their recordings. Used by the API
 * ({@code GET /v1/verifications/{id}/calls}, {@code GET /v1/calls/{callRef}/recording}) and by the console, so that
 * neither knows an adapter.
 * <p>
 * Where the calls come from: Redis ({@link CallLedger}) while the verification lives there, the archive
 * ({@link CallArchive}, PostgreSQL, read on a worker thread) afterwards, for the retention. What the provider keeps
 * of each call comes from its {@link CallRecordSource}, whether or not the provider is still in the chain; a
 * provider without one (Runtel) answers {@code record: null} and no recording. A provider that cannot be reached
 * answers {@code record: null} in the list and 503 {@code providers_unavailable} for a recording.
 */
@ApplicationScoped
public class CallRecords {

    private static final Logger LOG = Logger.getLogger(CallRecords.class);

    private final CallLedger ledger;
    private final CallArchive archive;
    private final ObjectMapper json;
    private final Map<String, CallRecordSource> sources = new HashMap<>();

    public CallRecords(CallLedger ledger, CallArchive archive, ObjectMapper json,
                       @Any Instance<CallRecordSource> sources) {
        this.ledger = ledger;
        this.archive = archive;
        this.json = json;
        for (CallRecordSource s : sources) {
            this.sources.put(s.name(), s);
        }
    }

    /** the calls of a verification, oldest first; empty when it has none or is unknown */
    public Uni<List<CallView>> calls(String verificationId) {
        return kept(verificationId).chain(calls -> Multi.createFrom().iterable(calls)
                .onItem().transformToUniAndConcatenate(this::view)
                .collect().asList());
    }

    /** whether the verification is known (in Redis or in the archive), for a 404 on an unknown id */
    public Uni<Boolean> known(String verificationId) {
        return ledger.exists(verificationId).chain(live -> live ? Uni.createFrom().item(true)
                : blocking(() -> archive.knows(verificationId)));
    }

    /** the recording of one call, or empty when the provider keeps none (404 not_found) */
    public Uni<Optional<Recording>> recording(String callRef) {
        return call(callRef).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(Optional.<Recording>empty());
            }
            KeptCall call = found.get();
            CallRecordSource source = sources.get(call.provider());
            if (source == null) {
                return Uni.createFrom().item(Optional.<Recording>empty());
            }
            return source.record(call)
                    .chain(record -> source.recording(call, record))
                    .onFailure(ProviderException.class).transform(t -> {
                        LOG.infof("recording of %s at %s not read: %s", callRef, call.provider(), t.getMessage());
                        return ApiProblem.providersUnavailable("the provider that keeps this recording cannot be "
                                + "reached; try again shortly", Map.of(), 10L);
                    })
                    .map(audio -> audio.map(a -> new Recording(a.contentType(), a.length(), a.body())));
        });
    }

    /**
     * whether the provider keeps a recording of this call, judged from its record alone (no request): the console
     * offers a player only then
     */
    public boolean keepsRecording(CallView call) {
        CallRecordSource source = sources.get(call.provider());
        return source != null && source.keepsRecording(call.record() == null ? Optional.empty()
                : Optional.of(json.valueToTree(call.record().getMap())));
    }

    /** one call: Redis while its verification lives, the archive afterwards */
    Uni<Optional<KeptCall>> call(String callRef) {
        String id = CallLedger.verificationOf(callRef);
        if (id == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        return ledger.live(id, callRef).chain(live -> live != null ? Uni.createFrom().item(Optional.of(live))
                : blocking(() -> archive.call(callRef)));
    }

    private Uni<List<KeptCall>> kept(String verificationId) {
        return ledger.live(verificationId).chain(live -> !live.isEmpty() ? Uni.createFrom().item(live)
                : blocking(() -> archive.calls(verificationId)));
    }

    private Uni<CallView> view(KeptCall call) {
        CallRecordSource source = sources.get(call.provider());
        Uni<Optional<JsonNode>> record = source == null ? Uni.createFrom().item(Optional.empty())
                : source.record(call).onFailure().recoverWithItem(t -> {
                    // the list still shows the call; its record is missing while the provider cannot be read
                    LOG.infof("record of %s at %s not read: %s", call.callRef(), call.provider(), t.getMessage());
                    return Optional.empty();
                });
        return record.map(r -> new CallView(call.callRef(), call.provider(), call.channel(), call.callerId(),
                call.placedAt() == 0 ? null : Instant.ofEpochMilli(call.placedAt()), call.callStatus(),
                r.filter(JsonNode::isObject).map(this::object).orElse(null)));
    }

    @SuppressWarnings("unchecked")
    private JsonObject object(JsonNode n) {
        return new JsonObject(json.convertValue(n, Map.class));
    }

    /** JDBC on a worker thread; PostgreSQL down is 503 archive_unavailable, never a 500 */
    private static <T> Uni<T> blocking(Callable<T> query) {
        return Uni.createFrom().item(() -> {
                    try {
                        return query.call();
                    } catch (SQLException e) {
                        throw ApiProblem.archiveUnavailable("the attempt archive (PostgreSQL) cannot be reached; "
                                + "calls of verifications still in Redis are served");
                    } catch (RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
