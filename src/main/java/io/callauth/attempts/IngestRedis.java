package io.callauth.attempts;

import io.quarkus.proxy.ProxyConfigurationRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.runtime.client.VertxRedisClientFactory;
import io.quarkus.redis.runtime.client.config.RedisClientConfig;
import io.quarkus.redis.runtime.client.config.RedisConfig;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.smallrye.config.SmallRyeConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.config.ConfigProvider;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The ingester's Redis commands, by default on a Redis client of its own whose connections live on a private Vert.x
 * instance with one I/O thread. The ingester's replies are large (an {@code XREADGROUP} of hundreds of records of
 * some twenty fields each) and a Redis client parses each reply on the I/O thread its connection belongs to: on the
 * application's event loop, every request waiting on Redis meanwhile would wait for that parse too (a replica given
 * one CPU runs a single event loop). On a thread of its own, the parse is one more runnable thread the scheduler
 * interleaves with the event loop instead of a burst the event loop must sit through.
 * <p>
 * The client is made from the application's own Redis configuration ({@code quarkus.redis.*}: hosts, client type
 * standalone / sentinel / cluster, password, TLS, timeouts) by the factory the Redis extension uses for its clients,
 * so both talk to the same servers the same way. {@code callauth.attempts.ingest.own-io-thread=false} sends the
 * commands through the application's shared client instead.
 */
@ApplicationScoped
class IngestRedis {

    private final RedisDataSource shared;
    private final Vertx vertx;
    private final Redis client;
    private final Duration timeout;

    IngestRedis(RedisDataSource shared, AttemptsConfig config, Instance<TlsConfigurationRegistry> tls,
                Instance<ProxyConfigurationRegistry> proxies) {
        this.shared = shared;
        if (!config.ingest().ownIoThread()) {
            this.vertx = null;
            this.client = null;
            this.timeout = null;
            return;
        }
        RedisClientConfig redis = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class)
                .getConfigMapping(RedisConfig.class).clients().get(RedisConfig.DEFAULT_CLIENT_NAME);
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1));
        this.client = VertxRedisClientFactory.create(RedisConfig.DEFAULT_CLIENT_NAME, vertx, redis,
                tls.isResolvable() ? tls.get() : null, proxies.isResolvable() ? proxies.get() : null);
        this.timeout = redis.timeout();
    }

    /** sends one command and waits for its reply (a Redis error reply is thrown, its message kept) */
    Response execute(String command, String... args) {
        if (client == null) {
            return shared.execute(command, args);
        }
        Request request = Request.cmd(Command.create(command));
        for (String a : args) {
            request.arg(a);
        }
        try {
            return Response.newInstance(client.send(request).toCompletionStage().toCompletableFuture()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException r ? r
                    : new RedisCommandFailed(cause.getMessage() == null ? command + " failed" : cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new RedisCommandFailed(command + " got no reply within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisCommandFailed(command + " interrupted", e);
        }
    }

    @PreDestroy
    void close() {
        if (client != null) {
            client.close();
            vertx.close();
        }
    }

    /** a command that failed: Redis' error reply (its message kept, e.g. BUSYGROUP), a lost connection, a timeout */
    static final class RedisCommandFailed extends RuntimeException {
        RedisCommandFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
