package io.callauth.calls;

import io.smallrye.mutiny.Multi;
import io.vertx.mutiny.core.buffer.Buffer;

/** A call's audio as a provider keeps it, streamed through callauth: never the provider's URL or token. */
public record Recording(String contentType, Long length, Multi<Buffer> body) {
}
