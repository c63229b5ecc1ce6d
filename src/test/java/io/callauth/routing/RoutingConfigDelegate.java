package io.callauth.routing;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A routing configuration that answers as {@link #c()} unless overridden (tests: a replica configured otherwise). */
interface RoutingConfigDelegate extends RoutingConfig {

    RoutingConfig c();

    default RoutingMode mode() { return c().mode(); }

    default double explore() { return c().explore(); }

    default Optional<List<String>> costOverrides() { return c().costOverrides(); }

    default Duration bucket() { return c().bucket(); }

    default Duration window() { return c().window(); }

    default Duration halfLife() { return c().halfLife(); }

    default double priorCalls() { return c().priorCalls(); }

    default double priorDelivery() { return c().priorDelivery(); }

    default double priorApproval() { return c().priorApproval(); }

    default double minCalls() { return c().minCalls(); }

    default Duration refresh() { return c().refresh(); }

    default boolean figuresEnabled() { return c().figuresEnabled(); }
}
