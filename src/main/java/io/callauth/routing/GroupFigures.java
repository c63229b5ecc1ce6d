package io.callauth.routing;

import java.util.List;

/** A destination group's figures: its key ({@code RU/Beeline}, {@code RU/+79161}) and each provider's. */
public record GroupFigures(String group, String country, String carrier, String prefix, List<ProviderFigures> providers) {

    /** the group of a key as {@link io.callauth.phone.DestinationGroup#key()} writes it */
    static GroupFigures named(String key, List<ProviderFigures> providers) {
        int slash = key.indexOf('/');
        String country = slash < 0 ? key : key.substring(0, slash);
        String rest = slash < 0 ? "" : key.substring(slash + 1);
        boolean prefix = rest.startsWith("+");
        return new GroupFigures(key, country, prefix ? null : rest, prefix ? rest : null, providers);
    }

    public double totalWeightedPlaced() {
        return providers.stream().mapToDouble(ProviderFigures::weightedPlaced).sum();
    }

    public ProviderFigures of(String provider) {
        for (ProviderFigures f : providers) {
            if (f.provider().equals(provider)) {
                return f;
            }
        }
        return null;
    }
}
