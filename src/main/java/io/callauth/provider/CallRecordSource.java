package io.callauth.provider;

import io.callauth.provider.support.ProviderGuard;
import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;

import java.util.Optional;

/**
 * What a provider keeps of the calls it placed, for the fraud team: its own record of a call (a CDR, a call list
 * row, a status result) and the call's recording. Implemented by the adapters whose provider keeps something;
 * a provider that keeps nothing has no source, its calls answer {@code record: null} and no recording.
 * <p>
 * Reads use the provider's read circuit ({@link ProviderGuard#read}), never the placing one. Answers never carry
 * a provider token or URL, nor a code: caller IDs in a record are masked ({@code Masking.callerId}).
 */
public interface CallRecordSource {

    /** the provider's name, as in {@code callauth.providers.chain} */
    String name();

    /**
     * The provider's record of a call, or empty when it keeps none (yet). {@code call.pushed()} holds what the provider
     * pushed about the call (e.g. Yunhu's CDR callback), if anything; a source may answer it as is.
     */
    Uni<Optional<JsonNode>> record(KeptCall call);

    /** The call's recording, or empty when the provider keeps none. {@code record} is what {@link #record} answered. */
    Uni<Optional<CallAudio>> recording(KeptCall call, Optional<JsonNode> record);

    /**
     * Whether the call has a recording to fetch, judged from {@code record} alone (no request to the provider): the
     * console offers a player only then. By default whenever the provider keeps a record of the call.
     */
    default boolean keepsRecording(Optional<JsonNode> record) {
        return record.isPresent();
    }
}
