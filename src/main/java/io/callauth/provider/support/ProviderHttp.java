package io.callauth.provider.support;

import io.callauth.provider.ProviderException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.ws.rs.WebApplicationException;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** What every provider client does the same way: build its REST client, read JSON answers, name missing settings. */
public final class ProviderHttp {
    private ProviderHttp() {
    }

    /** a REST client for {@code api} at the configured URL, with connect and read timeouts */
    public static <T> T client(Class<T> api, String provider, Optional<String> url, Duration connectTimeout,
                               Duration readTimeout) {
        String base = url.filter(u -> !u.isBlank()).orElseThrow(() ->
                new ProviderException(provider, ProviderException.Reason.UNAVAILABLE, "no url configured"));
        return QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(base))
                .connectTimeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(readTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .build(api);
    }

    /**
     * A REST client built on first use (a missing URL fails the request that needs it, not the startup of a
     * replica whose chain does not use the provider), then kept.
     */
    public static <T> java.util.function.Supplier<T> lazy(java.util.function.Supplier<T> build) {
        return new java.util.function.Supplier<>() {
            private volatile T value;

            @Override
            public T get() {
                T v = value;
                if (v == null) {
                    v = build.get();
                    value = v;
                }
                return v;
            }
        };
    }

    /** the answer as a JSON object, or an ERROR for anything else */
    public static JsonNode object(ObjectMapper json, String provider, String answer) {
        JsonNode n;
        try {
            n = json.readTree(answer == null ? "" : answer);
        } catch (Exception e) {
            throw new ProviderException(provider, ProviderException.Reason.ERROR, "answer is not JSON");
        }
        if (n == null || !n.isObject()) {
            throw new ProviderException(provider, ProviderException.Reason.ERROR, "answer is not a JSON object");
        }
        return n;
    }

    public static boolean isHttpStatus(Throwable t, int status) {
        return t instanceof WebApplicationException w && w.getResponse() != null && w.getResponse().getStatus() == status;
    }

    /** adds "property (ENV_VAR)" to {@code missing} when the value is absent or blank */
    public static void require(List<String> missing, Optional<String> value, String property) {
        if (value.filter(v -> !v.isBlank()).isEmpty()) {
            missing.add(property + " (" + envName(property) + ")");
        }
    }

    public static String envName(String property) {
        return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
