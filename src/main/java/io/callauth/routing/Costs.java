package io.callauth.routing;


import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a call costs, per provider: {@code callauth.providers.<name>.cost} (default 1, so that with no costs
 * configured the choice is by approval alone), overridden per country ({@code callauth.routing.cost-overrides}
 * {@code yunhu:KZ=0.9}) and per E.164 prefix ({@code callpass:+7916=0.5}; the longest matching prefix wins over a
 * country).
 */
public final class Costs {

    public static final double DEFAULT_COST = 1.0;

    private final Map<String, Double> base;
    private final Map<String, Map<String, Double>> byCountry;
    /** provider -> prefix digits (no plus) -> cost */
    private final Map<String, Map<String, Double>> byPrefix;
    private final boolean configured;

    Costs(Map<String, Double> base, Map<String, Map<String, Double>> byCountry, Map<String, Map<String, Double>> byPrefix) {
        this.base = base;
        this.byCountry = byCountry;
        this.byPrefix = byPrefix;
        this.configured = !base.isEmpty() || !byCountry.isEmpty() || !byPrefix.isEmpty();
    }

    /** the costs of the chain's providers as configured */
    static Costs from(ProviderCosts config, List<String> providers, List<String> overrides) {
        Map<String, Double> base = new HashMap<>();
        for (String p : providers) {
            ProviderCosts.Provider c = config.providers().get(p);
            if (c != null && c.cost().isPresent()) {
                if (c.cost().getAsDouble() < 0) {
                    throw new IllegalArgumentException("callauth.providers." + p + ".cost must not be negative");
                }
                base.put(p, c.cost().getAsDouble());
            }
        }
        return of(base, overrides);
    }

    static Costs of(Map<String, Double> base, List<String> overrides) {
        Map<String, Map<String, Double>> byCountry = new HashMap<>();
        Map<String, Map<String, Double>> byPrefix = new HashMap<>();
        for (String raw : overrides) {
            String o = raw.strip();
            if (o.isEmpty()) {
                continue;
            }
            int colon = o.indexOf(':');
            int eq = o.indexOf('=');
            if (colon <= 0 || eq < colon + 2) {
                throw new IllegalArgumentException("callauth.routing.cost-overrides: '" + o
                        + "' is not provider:COUNTRY=cost or provider:+prefix=cost");
            }
            String provider = o.substring(0, colon).strip();
            String scope = o.substring(colon + 1, eq).strip();
            double cost;
            try {
                cost = Double.parseDouble(o.substring(eq + 1).strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("callauth.routing.cost-overrides: '" + o + "' has no number as cost");
            }
            if (cost < 0) {
                throw new IllegalArgumentException("callauth.routing.cost-overrides: '" + o + "' has a negative cost");
            }
            if (scope.startsWith("+") && scope.length() > 1 && scope.substring(1).chars().allMatch(Character::isDigit)) {
                byPrefix.computeIfAbsent(provider, k -> new HashMap<>()).put(scope.substring(1), cost);
            } else if (scope.length() == 2 && scope.chars().allMatch(Character::isLetter)) {
                byCountry.computeIfAbsent(provider, k -> new HashMap<>()).put(scope.toUpperCase(), cost);
            } else {
                throw new IllegalArgumentException("callauth.routing.cost-overrides: '" + o
                        + "': the scope is a 2-letter country or + and digits");
            }
        }
        return new Costs(Map.copyOf(base), byCountry, byPrefix);
    }

    /** whether any cost is configured at all (spend is shown only then) */
    public boolean configured() {
        return configured;
    }

    /** the cost of one call by {@code provider} to {@code e164} (in {@code country}) */
    public double of(String provider, String e164, String country) {
        return match(provider, e164, country).cost();
    }

    /** the cost of a call and the scope it came from: {@code +7916}, {@code RU} or {@code default} */
    public Match match(String provider, String e164, String country) {
        Map<String, Double> prefixes = byPrefix.get(provider);
        if (prefixes != null && e164 != null) {
            String digits = e164.startsWith("+") ? e164.substring(1) : e164;
            for (int n = digits.length(); n > 0; n--) {
                Double c = prefixes.get(digits.substring(0, n));
                if (c != null) {
                    return new Match(c, "+" + digits.substring(0, n));
                }
            }
        }
        Map<String, Double> countries = byCountry.get(provider);
        if (countries != null && country != null) {
            Double c = countries.get(country.toUpperCase());
            if (c != null) {
                return new Match(c, country.toUpperCase());
            }
        }
        return new Match(base.getOrDefault(provider, DEFAULT_COST), "default");
    }

    /** whether any provider has a prefix override under which {@code e164} falls (the group's cached order may not hold) */
    boolean hasPrefixFor(String e164) {
        if (byPrefix.isEmpty() || e164 == null) {
            return false;
        }
        String digits = e164.startsWith("+") ? e164.substring(1) : e164;
        for (Map<String, Double> m : byPrefix.values()) {
            for (String p : m.keySet()) {
                if (digits.startsWith(p)) {
                    return true;
                }
            }
        }
        return false;
    }

    public record Match(double cost, String scope) {
    }

    @Override
    public String toString() {
        return "Costs" + base + byCountry + byPrefix;
    }
}
