package io.callauth.provider.support;

import io.callauth.provider.ProviderException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.quarkus.restclient.config.RestClientsConfig;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.smallrye.config.SmallRyeConfig;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.client.api.LoggingScope;
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

    /**
     * A REST client for {@code api} at the configured URL, with connect and read timeouts, and what the operator set
     * for it under {@code quarkus.rest-client.<config key>.*} (or {@code quarkus.rest-client.*} for all clients): a
     * named TLS configuration ({@code tls-configuration-name}, see {@code quarkus.tls.<name>.*}), {@code verify-host},
     * a proxy ({@code proxy-address}, {@code proxy-user}, {@code proxy-password}, {@code non-proxy-hosts}),
     * {@code user-agent}, and request/response logging ({@code logging.scope}, {@code logging.body-limit}). The URL
     * and timeouts stay callauth's own settings ({@code callauth.providers.<name>.*}).
     */
    public static <T> T client(Class<T> api, String provider, Optional<String> url, Duration connectTimeout,
                               Duration readTimeout) {
        String base = url.filter(u -> !u.isBlank()).orElseThrow(() ->
                new ProviderException(provider, ProviderException.Reason.UNAVAILABLE, "no url configured"));
        QuarkusRestClientBuilder b = QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(base))
                .connectTimeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
        operatorSettings().ifPresent(rc -> apply(b, rc, api));
        return b.build(api);
    }

    /** the {@code quarkus.rest-client} settings, when the application's configuration has them */
    private static Optional<RestClientsConfig> operatorSettings() {
        try {
            return Optional.of(ConfigProvider.getConfig().unwrap(SmallRyeConfig.class)
                    .getConfigMapping(RestClientsConfig.class));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    static String configKey(Class<?> api) {
        RegisterRestClient r = api.getAnnotation(RegisterRestClient.class);
        return r != null && !r.configKey().isBlank() ? r.configKey() : api.getName();
    }

    private static <V> Optional<V> pick(RestClientsConfig.RestClientConfig client,
                                        java.util.function.Function<RestClientsConfig.RestClientConfig, Optional<V>> own,
                                        Optional<V> all) {
        Optional<V> v = client == null ? Optional.empty() : own.apply(client);
        return v.isPresent() ? v : all;
    }

    private static void apply(QuarkusRestClientBuilder b, RestClientsConfig all, Class<?> api) {
        String key = configKey(api);
        // the interface's settings: its config key's and its class name's, merged by Quarkus
        RestClientsConfig.RestClientConfig c = all.clients().get(api.getName());
        pick(c, RestClientsConfig.RestClientConfig::tlsConfigurationName, all.tlsConfigurationName()).ifPresent(name ->
                b.tlsConfiguration(io.quarkus.arc.Arc.container().instance(TlsConfigurationRegistry.class).get()
                        .get(name).orElseThrow(() -> new IllegalStateException("quarkus.rest-client." + key
                                + ".tls-configuration-name: no TLS configuration named '" + name + "' (quarkus.tls."
                                + name + ".*)"))));
        pick(c, RestClientsConfig.RestClientConfig::verifyHost, all.verifyHost()).ifPresent(b::verifyHost);
        pick(c, RestClientsConfig.RestClientConfig::proxyAddress, all.proxyAddress())
                .filter(a -> !a.equalsIgnoreCase("none")).ifPresent(a -> {
                    int colon = a.lastIndexOf(':');
                    if (colon <= 0) {
                        throw new IllegalStateException("quarkus.rest-client." + key + ".proxy-address: '" + a
                                + "' is not host:port");
                    }
                    b.proxyAddress(a.substring(0, colon), Integer.parseInt(a.substring(colon + 1)));
                });
        pick(c, RestClientsConfig.RestClientConfig::proxyUser, all.proxyUser()).ifPresent(b::proxyUser);
        pick(c, RestClientsConfig.RestClientConfig::proxyPassword, all.proxyPassword()).ifPresent(b::proxyPassword);
        pick(c, RestClientsConfig.RestClientConfig::nonProxyHosts, all.nonProxyHosts()).ifPresent(b::nonProxyHosts);
        pick(c, RestClientsConfig.RestClientConfig::userAgent, all.userAgent()).ifPresent(b::userAgent);
        RestClientsConfig.RestClientLoggingConfig log = c == null ? all.logging() : c.logging().orElse(all.logging());
        log.scope().ifPresent(scope -> {
            b.loggingScope(LoggingScope.forName(scope));
            b.loggingBodyLimit(log.bodyLimit());
        });
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
