package io.callauth.provider.chain;

import io.callauth.provider.CallProvider;
import io.callauth.provider.Channel;
import io.callauth.provider.ProvidersConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The providers named in {@code callauth.providers.chain}, in that order. */
@ApplicationScoped
public class ProviderChain {

    private final Map<String, CallProvider> available = new LinkedHashMap<>();
    private final List<String> names;
    private final Instance<RouteOrder> routing;

    public ProviderChain(@Any Instance<CallProvider> providers, ProvidersConfig config, Instance<RouteOrder> routing) {
        for (CallProvider p : providers) {
            available.put(p.name(), p);
        }
        this.names = config.chain().orElse(List.of()).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        this.routing = routing;
    }

    /**
     * The providers to try for a call to {@code e164}, routed ({@link RouteOrder}: by measured delivery and cost, or
     * the chain's order in static mode): those that serve the channel (any when null), without {@code exclude};
     * {@code last}, the provider of the previous call, goes last on a resend.
     */
    public RouteOrder.Route route(Channel channel, String e164, String country, Set<String> exclude,
                                  RouteOrder.Purpose purpose, String last) {
        List<CallProvider> inChain = candidates(channel, null, exclude, false);
        if (inChain.isEmpty() || !routing.isResolvable()) {
            return RouteOrder.Route.of(inChain);
        }
        return routing.get().order(inChain, e164, country, purpose, last);
    }

    public List<String> names() {
        return names;
    }

    /** names in the chain with no provider behind them (unknown, or not built into this profile) */
    public List<String> unknown() {
        return names.stream().filter(n -> !available.containsKey(n)).toList();
    }

    public List<CallProvider> providers() {
        return names.stream().map(available::get).filter(java.util.Objects::nonNull).toList();
    }

    public Optional<CallProvider> byName(String name) {
        return name != null && names.contains(name) ? Optional.ofNullable(available.get(name)) : Optional.empty();
    }

    /**
     * Providers to try for a call, in order: the chain after {@code after} (from the start when null), those that
     * serve the channel (any channel when null), without those in {@code exclude}. With {@code wrap}, the chain continues from its start
     * after its end (resend), so the next provider comes first and the one just used last.
     */
    public List<CallProvider> candidates(Channel channel, String after, Set<String> exclude, boolean wrap) {
        List<CallProvider> chain = providers();
        int start = 0;
        if (after != null) {
            for (int i = 0; i < chain.size(); i++) {
                if (chain.get(i).name().equals(after)) {
                    start = i + 1;
                }
            }
        }
        List<CallProvider> out = new ArrayList<>();
        int n = chain.size();
        int count = wrap ? n : n - start;
        for (int k = 0; k < count; k++) {
            CallProvider p = chain.get((start + k) % n);
            if ((channel == null ? p.serves(Channel.FLASHCALL) || p.serves(Channel.VOICE) : p.serves(channel))
                    && !exclude.contains(p.name())) {
                out.add(p);
            }
        }
        return out;
    }
}
