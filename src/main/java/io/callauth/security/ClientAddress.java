package io.callauth.security;

import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The address a request comes from: the TCP peer, or, only when the peer is a configured trusted proxy, the
 * nearest untrusted address of {@code X-Forwarded-For}. A client cannot pick its own rate-limit key by sending
 * the header.
 */
@ApplicationScoped
public class ClientAddress {

    private final Set<String> trusted;

    /** {@code trustedProxies}: callauth.rate-limits.trusted-proxies (declared in the rate limits' configuration) */
    public ClientAddress(@ConfigProperty(name = "callauth.rate-limits.trusted-proxies")
                         Optional<List<String>> trustedProxies) {
        this.trusted = Set.copyOf(trustedProxies.orElse(List.of()).stream().map(String::trim).toList());
    }

    public String of(HttpServerRequest request) {
        if (request == null || request.remoteAddress() == null) {
            return null;
        }
        String peer = request.remoteAddress().hostAddress();
        if (!trusted.contains(peer)) {
            return peer;
        }
        String xff = request.getHeader("X-Forwarded-For");
        if (xff == null || xff.isBlank()) {
            return peer;
        }
        String[] hops = xff.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (!hop.isEmpty() && !trusted.contains(hop)) {
                return hop;
            }
        }
        return peer;
    }
}
