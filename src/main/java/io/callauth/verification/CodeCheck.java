package io.callauth.verification;

import io.callauth.attempts.AttemptType;
import io.callauth.attempts.AttemptLog;
import io.callauth.attempts.AttemptRecord;
import io.callauth.attempts.AttemptRecords;
import io.callauth.common.ApiProblem;
import io.callauth.phone.PhoneNumbers;
import io.callauth.security.ApiKey;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;

/**
 * The check use case: a code against a verification (by id, or the newest pending one of a phone). The guards first
 * ({@link Admission}), then one script ({@link VerificationStore#check}) that compares the HMAC in constant time,
 * counts the try and settles the status, then the attempt records pipelined.
 */
@ApplicationScoped
public class CodeCheck {

    private final VerificationStore store;
    private final Admission admission;
    private final CodeHasher hasher;
    private final RequestValidation validation;
    private final AttemptLog attempts;
    private final VerificationMetrics metrics;
    private final Observers observers;
    private final Clock clock;

    public CodeCheck(VerificationStore store, Admission admission, CodeHasher hasher, RequestValidation validation,
                     AttemptLog attempts, VerificationMetrics metrics, Observers observers, Clock clock) {
        this.store = store;
        this.admission = admission;
        this.hasher = hasher;
        this.validation = validation;
        this.attempts = attempts;
        this.metrics = metrics;
        this.observers = observers;
        this.clock = clock;
    }

    Uni<CheckView> check(ApiKey key, String id, Requests.Check req, ClientContext client) {
        String code = validation.code(req);
        if (!VerificationReader.validId(id)) {
            return Uni.createFrom().failure(VerificationReader.notFound(id));
        }
        return admission.admit(new AbuseGuard.Attempt(AbuseGuard.Action.CHECK, key.name(), null, client, id), null)
                .chain(() -> checkId(key, id, code));
    }

    Uni<CheckView> checkByPhone(ApiKey key, Requests.CheckByPhone req, ClientContext client) {
        RequestValidation.PhoneAndCode asked = validation.checkByPhone(req);
        String code = asked.code();
        PhoneNumbers.Phone phone = asked.phone();
        return admission.admit(new AbuseGuard.Attempt(AbuseGuard.Action.CHECK, key.name(), phone, client, null), null)
                .chain(() -> store.newestForPhone(key.name(), phone.e164()))
                .chain(id -> id.map(i -> checkId(key, i, code))
                        .orElseGet(() -> Uni.createFrom().failure(ApiProblem.notFound("no pending verification for this phone"))));
    }

    private Uni<CheckView> checkId(ApiKey key, String id, String code) {
        long now = clock.millis();
        return store.check(id, key.name(), hasher.mac(id, code), now).chain(r -> {
            if (!r.found()) {
                return Uni.createFrom().failure(ApiProblem.notFound("no verification " + id));
            }
            AttemptRecord base = AttemptRecords.at(now, AttemptType.CHECK).verification(id).phone(r.phone(), r.region())
                    .provider(r.provider()).channel(r.channel()).apiKey(key.name()).client(r.context().ip(),
                            r.context().userAgent(), r.context().appId(), r.context().deviceId()).build();
            boolean counted = r.changed() || r.status() == VerificationStatus.PENDING || r.valid();
            if (!counted || (r.changed() && r.status() == VerificationStatus.EXPIRED)) {
                // the verification was no longer pending: nothing was compared
                metrics.check(r.status().wire());
                Uni<Void> logged = r.changed() ? attempts.append(base.withType(AttemptType.EXPIRED)) : Uni.createFrom().voidItem();
                return logged.chain(() -> Uni.createFrom().failure(VerificationReader.conflict(r.status())));
            }
            metrics.check(r.valid() ? "valid" : "invalid");
            Uni<Void> logged = attempts.append(base.withOutcome(r.valid() ? "valid" : "invalid"));
            if (r.changed()) {
                if (r.status() == VerificationStatus.APPROVED) {
                    logged = logged.chain(() -> observers.tell(o -> o.approved(r.region(), PhoneNumbers.prefixOf(r.phone()))));
                }
                logged = logged.chain(() -> attempts.append(base.withType(AttemptType.of(r.status().wire()))));
            }
            return logged.replaceWith(new CheckView(id, r.valid(), r.status().wire(), r.attemptsLeft()));
        });
    }
}
