package io.callauth.provider.support;

import java.util.List;

/**
 * What a provider's settings lack or get wrong, judged from its configuration alone: no client, no Redis, no
 * network. The startup check asks every provider of the chain before any client is built, so one report names
 * every missing property at once. One bean per provider package, beside its client.
 */
public interface ProviderSettings {

    /** the provider's name in {@code callauth.providers.chain} */
    String name();

    /** one line per missing or invalid property, each naming the property and its environment variable */
    List<String> problems();

    /** the startup check's line for an empty caller-ID pool of a click-to-call provider */
    static void requireCallerIds(List<String> missing, String provider, java.util.Optional<List<String>> pool) {
        if (new CallerIds(pool).isEmpty()) {
            String property = "callauth.providers." + provider + ".caller-ids";
            missing.add(property + " (" + ProviderHttp.envName(property) + "): without a caller-ID pool " + provider
                    + " cannot serve flash calls");
        }
    }
}
