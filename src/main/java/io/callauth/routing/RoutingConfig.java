package io.callauth.routing;

import io.callauth.common.InRange;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Routing by measured delivery and cost (ranges checked at start, durations in milliseconds) ({@code callauth.routing.*}). A provider's base cost per call is
 * {@code callauth.providers.<name>.cost} (see {@link Costs}).
 */
@ConfigMapping(prefix = "callauth.routing")
public interface RoutingConfig {

    /** adaptive (by expected cost per approved verification) or static (the chain's order) */
    @WithDefault("adaptive")
    RoutingMode mode();

    /** the share of starts whose first call goes to another healthy provider than the best one, 0..1 */
    @WithDefault("0.05")
    @InRange(min = 0, max = 1)
    double explore();

    /** per-country and per-prefix costs: {@code provider:RU=0.35,provider:+7916=0.5} (prefix: E.164 digits) */
    Optional<List<String>> costOverrides();

    /** figures are kept per bucket of this length ... */
    @WithDefault("1M")
    @InRange(min = 1000)
    Duration bucket();

    /** ... for this long (the API's counts cover it) */
    @WithDefault("60M")
    @InRange(min = 1000)
    Duration window();

    /** a bucket's weight in the choice halves with every half-life of age: recent delivery counts most */
    @WithDefault("2M")
    @InRange(min = 1000)
    Duration halfLife();

    /** the prior: as many calls as this, delivered and approved at the prior rates, added to every provider's figures */
    @WithDefault("4")
    @InRange(min = 0)
    double priorCalls();

    @WithDefault("0.9")
    @InRange(min = 0, max = 1)
    double priorDelivery();

    @WithDefault("0.8")
    @InRange(min = 0, max = 1)
    double priorApproval();

    /** a group with fewer (weighted) calls than this keeps the chain's order */
    @WithDefault("20")
    @InRange(min = 0)
    double minCalls();

    /** how often every replica reads the figures' summary from Redis (and a worker rebuilds it) */
    @WithDefault("1S")
    @InRange(min = 100)
    Duration refresh();

    /** whether worker replicas keep the figures (the {@code routing} consumer group of the attempt stream) */
    @WithDefault("true")
    boolean figuresEnabled();
}
