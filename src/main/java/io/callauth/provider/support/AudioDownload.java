package io.callauth.provider.support;

import io.callauth.provider.CallAudio;
import io.callauth.provider.ProviderException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.http.HttpClient;

import java.time.Duration;

/**
 * Streams a recording from a provider's download link (Yunhu's {@code downurl}) without holding it in memory: the
 * answer's bytes flow to the caller as they arrive. The link itself never leaves callauth.
 */
public final class AudioDownload {

    private static volatile HttpClient client;

    private AudioDownload() {
    }

    private static HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (AudioDownload.class) {
                c = client;
                if (c == null) {
                    Vertx vertx = io.quarkus.arc.Arc.container().instance(Vertx.class).get();
                    c = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000).setTrustAll(false));
                    client = c;
                }
            }
        }
        return c;
    }

    /**
     * GET {@code url}: its media type (or {@code fallbackType}), length and bytes; empty when the file is gone (404,
     * 410: e.g. Yunhu keeps recordings 3 months); anything else but 200 fails
     */
    public static Uni<java.util.Optional<CallAudio>> get(String provider, String url, Duration timeout, String fallbackType) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url)
                .setIdleTimeout(timeout.toMillis()).setFollowRedirects(true);
        return client().request(options)
                .chain(req -> req.send())
                .onFailure().transform(t -> new ProviderException(provider, ProviderException.Reason.ERROR,
                        "recording download failed: " + t.getClass().getSimpleName()))
                .map(resp -> {
                    if (resp.statusCode() != 200) {
                        resp.end().subscribe().with(x -> { }, x -> { });
                        if (resp.statusCode() == 404 || resp.statusCode() == 410) {
                            return java.util.Optional.<CallAudio>empty();
                        }
                        throw new ProviderException(provider, ProviderException.Reason.ERROR,
                                "recording download answered " + resp.statusCode());
                    }
                    resp.pause();
                    String type = resp.getHeader("Content-Type");
                    if (type == null || type.isBlank() || type.startsWith("application/octet-stream")) {
                        type = fallbackType;
                    }
                    String len = resp.getHeader("Content-Length");
                    Long length = null;
                    try {
                        length = len == null ? null : Long.valueOf(len);
                    } catch (NumberFormatException ignored) {
                        // unknown length: chunked
                    }
                    // a client that stops listening closes the download, never leaving a paused connection in the pool
                    return java.util.Optional.of(new CallAudio(type, length, resp.toMulti().onCancellation()
                            .invoke(() -> resp.getDelegate().request().connection().close())));
                });
    }
}
