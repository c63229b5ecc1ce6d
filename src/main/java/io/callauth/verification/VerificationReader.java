package io.callauth.verification;

import io.callauth.common.ApiProblem;
import io.callauth.security.ApiKey;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;

/**
 * Reading a verification for the API key that owns it (anyone else's is not found), and the answers the use cases
 * share: 404 for an id that cannot be one, 409 for a verification no longer pending.
 */
@ApplicationScoped
public class VerificationReader {

    private final VerificationStore store;
    private final Clock clock;

    public VerificationReader(VerificationStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    Uni<VerificationView> view(ApiKey key, String id, boolean withEvents) {
        return owned(key, id, withEvents).map(s -> VerificationView.of(s.verification(), clock.millis(),
                withEvents ? s.events() : null));
    }

    Uni<VerificationStore.Stored> owned(ApiKey key, String id, boolean withEvents) {
        if (!validId(id)) {
            return Uni.createFrom().failure(notFound(id));
        }
        return store.get(id, withEvents).map(s -> s.filter(st -> key.name().equals(st.verification().apiKey()))
                .orElseThrow(() -> ApiProblem.notFound("no verification " + id)));
    }

    static ApiProblem notFound(String id) {
        return ApiProblem.notFound("no verification " + safeId(id));
    }

    static ApiProblem conflict(VerificationStatus s) {
        return ApiProblem.stateConflict(s.conflictCode(), s.wire());
    }

    /** {@code vf_} and 32 lowercase hex digits; checked by hand: a regex compiled per request showed in the profile */
    static boolean validId(String id) {
        if (id == null || id.length() != 35 || !id.startsWith("vf_")) {
            return false;
        }
        for (int i = 3; i < 35; i++) {
            char c = id.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static String safeId(String id) {
        return id == null ? "" : id.replaceAll("[^A-Za-z0-9_]", "").substring(0, Math.min(40, id.replaceAll("[^A-Za-z0-9_]", "").length()));
    }
}
