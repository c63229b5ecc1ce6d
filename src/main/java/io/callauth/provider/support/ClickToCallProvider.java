package io.callauth.provider.support;

import io.callauth.provider.CallProvider;
import io.callauth.provider.Channel;
import io.callauth.provider.ProvidersConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the click-to-call adapters (Yunhu, SunSim, Runtel) share: the call comes from a number of the account's
 * caller-ID pool and the code is its last digits, so without a pool there are no flash calls; a circuit breaker;
 * one session token for all replicas ({@link SharedToken}). Each adapter still owns its wire protocol, how it logs
 * in ({@link #issue}) and how it reads answers.
 */
public abstract class ClickToCallProvider implements CallProvider {

    private final String name;
    protected final ProviderGuard guard;
    protected final SharedToken token;
    protected final CallerIds callerIds;

    /** for the CDI client proxies of the (application scoped) adapters only */
    protected ClickToCallProvider() {
        this.name = null;
        this.guard = null;
        this.token = null;
        this.callerIds = null;
    }

    protected ClickToCallProvider(String name, Optional<List<String>> callerIds, ProvidersConfig providers,
                                  ProviderMetrics metrics, ReactiveRedisDataSource redis, Clock clock,
                                  Duration tokenRenewBefore, SharedToken.Backoff loginBackoff) {
        this.name = name;
        this.guard = new ProviderGuard(name, providers.circuit(), metrics);
        this.callerIds = new CallerIds(callerIds);
        this.token = new SharedToken(name, redis, clock, tokenRenewBefore, Duration.ofSeconds(15), loginBackoff,
                this::issue);
    }

    /** a new token: a login, or a refresh when {@code previous} carries a still valid refresh token */
    protected abstract Uni<SharedToken.Token> issue(Optional<SharedToken.Token> previous);

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean serves(Channel channel) {
        return channel == Channel.FLASHCALL && !callerIds.isEmpty();
    }

    @Override
    public Optional<ProviderGuard> guard() {
        return Optional.of(guard);
    }

    @Override
    public Optional<SharedToken> sessionToken() {
        return Optional.of(token);
    }
}
