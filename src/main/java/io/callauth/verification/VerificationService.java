package io.callauth.verification;

import io.callauth.attempts.AttemptType;
import io.callauth.provider.chain.CallTracker;
import io.callauth.attempts.AttemptLog;
import io.callauth.attempts.AttemptRecord;
import io.callauth.security.ApiKey;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;

/**
 * The use cases of a verification, one entry for the API: start ({@link VerificationStart}) and check
 * ({@link CodeCheck}) and resend ({@link Resends}) in their own classes; get and cancel here. Every state change is one Lua script on the
 * verification's own keys ({@link VerificationStore}); placing calls is the {@link CallDispatcher}'s job, call
 * outcomes the {@link CallOutcomeHandler}'s, the guards and refusal records {@link Admission}'s.
 */
@ApplicationScoped
public class VerificationService {

    private final VerificationStart starts;
    private final CodeCheck checks;
    private final VerificationReader reader;
    private final Resends resends;
    private final VerificationStore store;
    private final CallTracker tracker;
    private final AttemptLog attempts;
    private final Clock clock;

    public VerificationService(VerificationStart starts, CodeCheck checks, VerificationReader reader, Resends resends,
                               VerificationStore store, CallTracker tracker, AttemptLog attempts, Clock clock) {
        this.starts = starts;
        this.checks = checks;
        this.reader = reader;
        this.resends = resends;
        this.store = store;
        this.tracker = tracker;
        this.attempts = attempts;
        this.clock = clock;
    }

    // ---------------------------------------------------------------- start, check: their own classes

    public Uni<VerificationStart.Started> start(ApiKey key, Requests.Start req, String idempotencyKey) {
        return starts.start(key, req, idempotencyKey);
    }

    public Uni<CheckView> check(ApiKey key, String id, Requests.Check req, ClientContext client) {
        return checks.check(key, id, req, client);
    }

    public Uni<CheckView> checkByPhone(ApiKey key, Requests.CheckByPhone req, ClientContext client) {
        return checks.checkByPhone(key, req, client);
    }

    // ---------------------------------------------------------------- read, cancel, resend

    public Uni<VerificationView> get(ApiKey key, String id) {
        return view(key, id, true);
    }

    private Uni<VerificationView> view(ApiKey key, String id, boolean withEvents) {
        return reader.view(key, id, withEvents);
    }

    private Uni<VerificationStore.Stored> owned(ApiKey key, String id) {
        return reader.owned(key, id, true);
    }

    public Uni<VerificationView> cancel(ApiKey key, String id) {
        return owned(key, id).chain(s -> {
            Verification v = s.verification();
            long now = clock.millis();
            return store.transition(id, VerificationStatus.CANCELED, Events.of(now, "canceled"), now).chain(t -> {
                if (!t.result().ok()) {
                    throw t.status() == null ? VerificationReader.notFound(id) : VerificationReader.conflict(t.status());
                }
                Uni<Void> stop = v.callRef() == null ? Uni.createFrom().voidItem() : tracker.forget(v.callRef());
                return stop.chain(() -> log(v.record(AttemptType.CANCELED, now).build())).chain(() -> view(key, id, false));
            });
        });
    }

    public Uni<VerificationView> resend(ApiKey key, String id, Requests.Resend req) {
        return resends.resend(key, id, req);
    }

    // ---------------------------------------------------------------- log

    private Uni<Void> log(AttemptRecord r) {
        return attempts.append(r);
    }

}
