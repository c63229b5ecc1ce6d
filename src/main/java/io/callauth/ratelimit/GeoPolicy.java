package io.callauth.ratelimit;

import io.callauth.common.ApiProblem;
import io.callauth.verification.AbuseGuard;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.List;
import java.util.Map;

/** Geo permissions: only destinations in the allowed regions (libphonenumber ISO regions) are called. */
@ApplicationScoped
public class GeoPolicy implements AbuseGuard {

    private final List<String> allowedRegions;

    public GeoPolicy(@ConfigProperty(name = "callauth.geo.allowed-regions", defaultValue = "RU,KZ") List<String> allowed) {
        this.allowedRegions = allowed.stream().map(String::trim).map(String::toUpperCase).toList();
    }

    @Override
    public int order() {
        return 10;
    }

    @Override
    public Uni<Void> admit(Attempt attempt) {
        if (attempt.action() == Action.CHECK) {
            return Uni.createFrom().voidItem();
        }
        String region = attempt.phone().region();
        if (region == null || !allowedRegions.contains(region)) {
            return Uni.createFrom().failure(new ApiProblem(403, "destination_not_allowed",
                    "calls to " + (region == null ? "this destination" : region) + " are not allowed",
                    Map.of("rule", "geo_allowed_regions", "reason", "country_not_allowed"), null));
        }
        return Uni.createFrom().voidItem();
    }
}
