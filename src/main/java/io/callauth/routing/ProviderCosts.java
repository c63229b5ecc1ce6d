package io.callauth.routing;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;

import java.util.Map;
import java.util.OptionalDouble;

/**
 * {@code callauth.providers.<name>.cost}: what one call by a provider costs (beside the provider's own settings under
 * the same prefix, which its adapter maps). Overrides per country and prefix: {@link RoutingConfig#costOverrides()}.
 */
@ConfigMapping(prefix = "callauth.providers")
public interface ProviderCosts {

    @WithParentName
    Map<String, Provider> providers();

    interface Provider {
        OptionalDouble cost();
    }
}
