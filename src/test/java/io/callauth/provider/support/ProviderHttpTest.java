package io.callauth.provider.support;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Provider REST clients honour the operator's {@code quarkus.rest-client.<config key>.*}: here the proxy and the user
 * agent of a client whose provider host does not even resolve. The "proxy" is a local HTTP server that answers what
 * it is asked and records the request line (absolute-form, as a client sends it to a proxy) and the User-Agent.
 */
@QuarkusTest
@TestProfile(ProviderHttpTest.Operator.class)
class ProviderHttpTest {

    @RegisterRestClient(configKey = "probe")
    interface Probe {
        @GET
        @Path("/ping")
        String ping();
    }

    @RegisterRestClient(configKey = "probe-other")
    interface OtherProbe {
        @GET
        @Path("/ping")
        String ping();
    }

    /** what an operator writes into application.properties or the environment; the proxy's port picked once */
    public static class Operator implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.rest-client.probe.proxy-address", "127.0.0.1:" + proxyPort(),
                    "quarkus.rest-client.probe.user-agent", "callauth-probe/1");
        }
    }

    static synchronized int proxyPort() {
        if (System.getProperty("callauth.test.proxy-port") == null) {
            try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
                System.setProperty("callauth.test.proxy-port", Integer.toString(s.getLocalPort()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return Integer.getInteger("callauth.test.proxy-port");
    }

    HttpServer proxy;
    final List<String> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", proxyPort()), 0);
        proxy.createContext("/", ex -> {
            seen.add(ex.getRequestURI() + " " + ex.getRequestHeaders().getFirst("User-Agent"));
            byte[] body = "pong".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        proxy.start();
    }

    @AfterEach
    void stop() {
        proxy.stop(0);
    }

    @Test
    void theClientsProxyAndUserAgentAreTheOperators() {
        Probe probe = ProviderHttp.client(Probe.class, "probe", Optional.of("http://provider.invalid:8080"),
                Duration.ofSeconds(2), Duration.ofSeconds(2));
        assertThat(probe.ping()).isEqualTo("pong");
        assertThat(seen).containsExactly("http://provider.invalid:8080/ping callauth-probe/1");
    }

    @Test
    void anotherClientIsNotConcerned() {
        OtherProbe other = ProviderHttp.client(OtherProbe.class, "probe-other",
                Optional.of("http://provider.invalid:8080"), Duration.ofSeconds(2), Duration.ofSeconds(2));
        // no proxy for this one: the provider's own host, which does not resolve
        assertThatThrownBy(other::ping).isNotNull();
        assertThat(seen).isEmpty();
    }
}
