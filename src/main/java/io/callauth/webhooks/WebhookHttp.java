package io.callauth.webhooks;

import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * One webhook request: {@code POST} of a JSON body with the Standard Webhooks headers, connected to the address the
 * target check resolved (so the DNS answer that was checked is the one used: no rebinding), with the URL's host for
 * {@code Host} and TLS (SNI, certificate name). No redirect is followed (a 3xx is a failed try); the whole request has
 * the configured timeout (10 s). Non-blocking (Vert.x); the answer's body is read and dropped.
 */
@ApplicationScoped
public class WebhookHttp {

    /** what a try got: the HTTP status, or why there was none; and the {@code Retry-After} of a 429 / 503 */
    public record Answer(Integer status, String error, Optional<Duration> retryAfter) {
        public boolean delivered() {
            return status != null && status >= 200 && status < 300;
        }

        public static Answer failed(String error) {
            return new Answer(null, error, Optional.empty());
        }
    }

    private final HttpClient client;
    private final WebhooksConfig config;
    private final Vertx vertx;

    public WebhookHttp(Vertx vertx, WebhooksConfig config) {
        this.config = config;
        this.vertx = vertx;
        this.client = vertx.createHttpClient(new HttpClientOptions().setForceSni(true).setVerifyHost(true)
                // a pool per server address: endpoints that share a host (two paths of one SIEM) must not wait for
                // each other's connections, so the pool holds what the replica may have in flight at all; the caps
                // per endpoint and per replica are the sender's
                .setKeepAlive(true).setMaxPoolSize(Math.max(1, config.maxConcurrency()))
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.timeout().toMillis())));
    }

    /**
     * Posts {@code body} to {@code url} at {@code address}; never fails: a failure is an {@link Answer}. Called from a
     * thread that is not Vert.x's (a sender's round), the request is made on an event loop: the client's requests and
     * their answers are then always handled on its contexts.
     */
    public Future<Answer> post(URI url, InetAddress address, String body, Map<String, String> headers) {
        if (Vertx.currentContext() != null) {
            return request(url, address, body, headers);
        }
        Promise<Answer> answer = Promise.promise();
        vertx.runOnContext(ignored -> request(url, address, body, headers).onComplete(answer));
        return answer.future();
    }

    private Future<Answer> request(URI url, InetAddress address, String body, Map<String, String> headers) {
        boolean tls = "https".equalsIgnoreCase(url.getScheme());
        int port = url.getPort() > 0 ? url.getPort() : tls ? 443 : 80;
        String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(url.getHost()).setPort(port)
                .setURI(path).setSsl(tls).setFollowRedirects(false)
                .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
                .setTimeout(config.timeout().toMillis());
        options.putHeader("content-type", "application/json");
        options.putHeader("user-agent", "callauth-webhooks/1");
        headers.forEach(options::putHeader);
        return client.request(options)
                .compose(req -> req.send(Buffer.buffer(body)))
                .compose(resp -> resp.body().map(ignored -> new Answer(resp.statusCode(), null,
                        retryAfter(resp.statusCode(), resp.getHeader("retry-after")))))
                .recover(t -> Future.succeededFuture(Answer.failed(describe(t))));
    }

    /** the {@code Retry-After} of a 429 or 503, in seconds (an HTTP date is taken as none) */
    static Optional<Duration> retryAfter(int status, String header) {
        if ((status != 429 && status != 503) || header == null) {
            return Optional.empty();
        }
        try {
            long s = Long.parseLong(header.trim());
            return s < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(s));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String describe(Throwable t) {
        String name = t.getClass().getSimpleName();
        String msg = t.getMessage() == null ? "" : t.getMessage();
        if (name.contains("Timeout") || msg.contains("timeout") || msg.contains("timed out")) {
            return "timeout";
        }
        if (msg.contains("Connection refused")) {
            return "connection refused";
        }
        if (name.contains("SSL") || msg.contains("SSL") || msg.contains("certificate")) {
            return "tls failed";
        }
        return "connection failed";
    }

    void stop(@Observes ShutdownEvent e) {
        client.close();
    }
}
