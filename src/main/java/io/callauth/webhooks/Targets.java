package io.callauth.webhooks;

import io.callauth.common.ApiProblem;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/** TEMPORARY stand-in for wt-21b's Targets (same shape); replaced by theirs on merge. */
@ApplicationScoped
public class Targets {
    private final WebhooksConfig config;

    public Targets(WebhooksConfig config) {
        this.config = config;
    }

    public void checkAtRegistration(String url) {
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new ApiProblem(400, "invalid_webhook_url", "url is not a URL");
        }
        if (u.getHost() == null || !("https".equals(u.getScheme()) || "http".equals(u.getScheme()) && config.allowHttp())) {
            throw new ApiProblem(400, "invalid_webhook_url", "url must be https");
        }
        try {
            resolveForSend(u);
        } catch (TargetRefused e) {
            throw new ApiProblem(400, "invalid_webhook_url", e.getMessage());
        }
    }

    public InetAddress resolveForSend(URI url) throws TargetRefused {
        try {
            InetAddress a = InetAddress.getByName(url.getHost());
            boolean allowed = config.allowedHosts().map(l -> l.contains(url.getHost())).orElse(false);
            if (!allowed && (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress()
                    || a.isAnyLocalAddress())) {
                throw new TargetRefused("the target resolves to a private address");
            }
            return a;
        } catch (UnknownHostException e) {
            throw new TargetRefused("the target's host does not resolve");
        }
    }
}
