package io.callauth.provider;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;

/**
 * Where a provider's pushed record of a call goes (Yunhu's CDR callback): kept with the call, durably (the attempt
 * stream, then the archive) and beside the live verification in Redis. Implemented outside the adapters, like
 * {@link CallOutcomes}. The record must carry no code: caller IDs masked.
 */
public interface CallRecordSink {
    Uni<Void> keep(String callRef, String provider, JsonNode record);
}
