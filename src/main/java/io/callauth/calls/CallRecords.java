package io.callauth.calls;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Optional;

/**
 * The calls of a verification with the providers' own records, and their recordings. Used by the API
 * ({@code GET /v1/verifications/{id}/calls}, {@code GET /v1/calls/{callRef}/recording}) and by the console, so that
 * neither knows an adapter.
 */
@ApplicationScoped
public class CallRecords {

    /** the calls of a verification, oldest first; empty when it has none or is unknown */
    public Uni<List<CallView>> calls(String verificationId) {
        return Uni.createFrom().item(List.of()); // TODO(calls branch): the real lookup
    }

    /** the recording of one call, or empty when the provider keeps none (404 not_found) */
    public Uni<Optional<Recording>> recording(String callRef) {
        return Uni.createFrom().item(Optional.empty()); // TODO(calls branch): the real lookup
    }
}
