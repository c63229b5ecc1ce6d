package io.callauth.provider.chain;

import io.callauth.provider.CallProvider;

import java.util.List;

/**
 * Orders a call's candidate providers for one destination (routing by measured delivery and cost, io.callauth.routing).
 * {@link ProviderChain} asks it for every start, fallback and resend; without one the chain's order holds.
 */
public interface RouteOrder {

    /** why a list of providers is wanted: a start may explore, a fallback and a resend follow the order */
    enum Purpose { START, FALLBACK, RESEND }

    /**
     * The candidates (in the chain's order, already filtered by channel and exclusions) in the order to try them for
     * {@code e164}; {@code last}: the provider of the verification's previous call (a resend tries it last), or null.
     * Reads memory only: never a round trip.
     */
    Route order(List<CallProvider> candidates, String e164, String country, Purpose purpose, String last);

    /** the providers in order, and why (a JSON object for the attempt records' {@code detail}, or null) */
    record Route(List<CallProvider> providers, String detail) {

        public static Route of(List<CallProvider> providers) {
            return new Route(providers, null);
        }

        public boolean isEmpty() {
            return providers.isEmpty();
        }

        public CallProvider first() {
            return providers.get(0);
        }
    }
}
