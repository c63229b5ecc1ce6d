package io.callauth.routing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callauth.phone.DestinationGroup;
import io.callauth.provider.CallProvider;
import io.callauth.provider.ProvidersConfig;
import io.callauth.provider.chain.RouteOrder;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.random.RandomGenerator;

/**
 * The choice on the start path, from memory: every replica reads the figures' summary once a second (one GET,
 * {@link FigureStore#SUMMARY}) and orders each call's providers by the plan of its destination group
 * ({@link RoutePlanner}, cached per group and cost scope until the next summary), then {@link RouteChoice} (healthy
 * providers for exploration, resend). Static mode: the chain's order, exactly as before routing existed. The choice
 * and its figures go into the {@code started} and {@code call_placed} records' detail.
 */
@ApplicationScoped
public class RoutingTable implements RouteOrder {

    private static final Logger LOG = Logger.getLogger(RoutingTable.class);

    private final FigureStore store;
    private final RoutingConfig config;
    private final ObjectMapper json;
    private final Vertx vertx;
    private final RoutePlanner planner;
    private final Costs costs;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile State state = new State(FigureSummary.EMPTY);
    private volatile RandomGenerator random;
    private volatile Double exploreOverride;
    private long timer = -1;

    public RoutingTable(FigureStore store, RoutingConfig config, ProvidersConfig providers, ProviderCosts prices,
                        ObjectMapper json, Vertx vertx) {
        this.store = store;
        this.config = config;
        this.json = json;
        this.vertx = vertx;
        this.planner = RoutePlanner.of(config);
        List<String> chain = providers.chain().orElse(List.of()).stream().map(String::trim).toList();
        this.costs = Costs.from(prices, chain, config.costOverrides().orElse(List.of()));
    }

    /** the figures in memory and the plans made from them (made on first use, per group and cost scope) */
    private record State(FigureSummary summary, Map<String, GroupFigures> groups, Map<String, Planned> plans) {
        State(FigureSummary summary) {
            this(summary, index(summary), new ConcurrentHashMap<>());
        }

        private static Map<String, GroupFigures> index(FigureSummary s) {
            Map<String, GroupFigures> m = new HashMap<>();
            s.groups().forEach(g -> m.put(g.group(), g));
            return m;
        }
    }

    /** a group's plan and the detail of a call that follows it (written once per plan) */
    private record Planned(RoutePlanner.Plan plan, String group, String detail) {
    }

    public RoutingMode mode() {
        return config.mode();
    }

    public Costs costs() {
        return costs;
    }

    /** the figures in memory: the last summary read */
    public FigureSummary summary() {
        return state.summary();
    }

    /** the plan of a group for the chain's providers (the API and the console: costs at the group's country) */
    public RoutePlanner.Plan planFor(GroupFigures g, List<String> providers) {
        double[] c = new double[providers.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = costs.match(providers.get(i), null, g.country()).cost();
        }
        RoutePlanner.Plan p = planner.plan(providers, c, g);
        return config.mode() == RoutingMode.STATIC
                ? new RoutePlanner.Plan(List.copyOf(providers), RoutePlanner.Reason.STATIC, p.estimates()) : p;
    }

    @Override
    public Route order(List<CallProvider> candidates, String e164, String country, Purpose purpose, String last) {
        if (config.mode() == RoutingMode.STATIC) {
            List<CallProvider> order = purpose == Purpose.RESEND ? rotatedAfter(candidates, last) : candidates;
            // the chain's order, as before routing; with costs configured the records name each call's cost (spend)
            return new Route(order, costs.configured() ? staticDetail(order, e164, country) : null);
        }
        Map<String, CallProvider> byName = new LinkedHashMap<>();
        candidates.forEach(p -> byName.put(p.name(), p));
        List<String> names = List.copyOf(byName.keySet());
        double[] c = new double[names.size()];
        StringBuilder scope = new StringBuilder();
        for (int i = 0; i < c.length; i++) {
            Costs.Match m = costs.match(names.get(i), e164, country);
            c[i] = m.cost();
            scope.append(names.get(i)).append('=').append(m.scope()).append(',');
        }
        DestinationGroup group = DestinationGroup.of(e164, country);
        State s = state;
        Planned planned = s.plans().computeIfAbsent(group.key() + "|" + scope, k -> {
            RoutePlanner.Plan plan = planner.plan(names, c, s.groups().get(group.key()));
            return new Planned(plan, group.key(), detail(group.key(), plan, plan.order(), false));
        });
        RouteChoice.Choice choice = RouteChoice.choose(planned.plan().order(), n -> healthy(byName.get(n)), purpose,
                last, exploreOverride != null ? exploreOverride : config.explore(), rng());
        List<CallProvider> out = new ArrayList<>(choice.order().size());
        choice.order().forEach(n -> out.add(byName.get(n)));
        String detail = !choice.explored() && choice.order().equals(planned.plan().order()) ? planned.detail()
                : detail(planned.group(), planned.plan(), choice.order(), choice.explored());
        return new Route(out, detail);
    }

    /** today's resend: the chain from the provider after the previous call's, wrapping round, that one last */
    static List<CallProvider> rotatedAfter(List<CallProvider> chain, String last) {
        int at = -1;
        for (int i = 0; i < chain.size(); i++) {
            if (chain.get(i).name().equals(last)) {
                at = i;
            }
        }
        if (at < 0) {
            return chain;
        }
        List<CallProvider> out = new ArrayList<>(chain.size());
        for (int k = 1; k <= chain.size(); k++) {
            out.add(chain.get((at + k) % chain.size()));
        }
        return out;
    }

    private static boolean healthy(CallProvider p) {
        return p != null && p.guard().map(g -> g.state() != CircuitBreakerState.OPEN).orElse(true);
    }

    private RandomGenerator rng() {
        RandomGenerator r = random;
        return r != null ? r : ThreadLocalRandom.current();
    }

    /** tests: another exploration share than the configured one (null: the configured one) */
    void overrideExplore(Double share) {
        this.exploreOverride = share;
    }

    /** tests: a seeded generator for the exploration draw (null: a thread-local one) */
    void useRandom(RandomGenerator r) {
        this.random = r;
    }

    /** static mode's detail, with costs configured: the chain's order and each provider's cost of this call */
    private String staticDetail(List<CallProvider> order, String e164, String country) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("routing", RoutingMode.STATIC.wire());
        m.put("order", order.stream().map(CallProvider::name).toList());
        m.put("reason", RoutePlanner.Reason.STATIC.wire());
        List<Map<String, Object>> ps = new ArrayList<>();
        for (CallProvider p : order) {
            ps.add(Map.of("provider", p.name(), "cost", costs.of(p.name(), e164, country)));
        }
        m.put("providers", ps);
        try {
            return json.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** the routing decision as the attempt records' detail: the order, why, and each provider's figures */
    private String detail(String group, RoutePlanner.Plan plan, List<String> order, boolean explored) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("routing", config.mode().wire());
        m.put("group", group);
        m.put("order", order);
        m.put("reason", explored ? "explore" : plan.reason().wire());
        List<Map<String, Object>> ps = new ArrayList<>();
        for (RoutePlanner.Estimate e : plan.estimates()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("provider", e.provider());
            p.put("cost", e.cost());
            p.put("delivery", e.delivery());
            p.put("approval", e.approval());
            p.put("expectedCostPerApproval", Double.isFinite(e.expectedCostPerApproval())
                    ? e.expectedCostPerApproval() : null);
            ps.add(p);
        }
        m.put("providers", ps);
        try {
            return json.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    // ---- the figures, read once a second

    /** reads the summary (one GET) and, when it is new, replaces the figures and drops the plans made from the old */
    public Uni<FigureSummary> refresh() {
        return store.readSummary().invoke(s -> {
            if (s.at() != state.summary().at()) {
                state = new State(s);
            }
        });
    }

    void onStart(@Observes StartupEvent event) {
        long every = Math.max(50, config.refresh().toMillis());
        timer = vertx.setPeriodic(every, every, id -> {
            if (!refreshing.compareAndSet(false, true)) {
                return;
            }
            refresh().subscribe().with(ok -> refreshing.set(false), t -> {
                refreshing.set(false);
                LOG.debugf("routing figures not refreshed: %s", t.toString());
            });
        });
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}
