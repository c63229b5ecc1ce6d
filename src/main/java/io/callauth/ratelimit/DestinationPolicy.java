package io.callauth.ratelimit;

import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import io.callauth.common.ApiProblem;
import io.callauth.verification.AbuseGuard;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Geo permissions and number types, before any bucket is touched: an allow-list of regions (libphonenumber ISO
 * regions), a deny-list of E.164 prefixes, and number types that are never a person's phone. Refusals are 403
 * {@code destination_not_allowed} with the {@code reason}.
 */
@ApplicationScoped
public class DestinationPolicy implements AbuseGuard {

    private final Set<String> allowedRegions;
    private final List<String> deniedPrefixes;
    private final Set<PhoneNumberType> deniedTypes;

    public DestinationPolicy(GeoConfig geo) {
        this.allowedRegions = Set.copyOf(geo.allowedRegions().stream().map(s -> s.trim().toUpperCase(Locale.ROOT))
                .toList());
        this.deniedPrefixes = geo.deniedPrefixes().orElse(List.of()).stream()
                .map(p -> p.trim().replaceAll("[^0-9]", "")).filter(p -> !p.isEmpty()).toList();
        EnumSet<PhoneNumberType> types = EnumSet.noneOf(PhoneNumberType.class);
        for (String t : geo.deniedNumberTypes()) {
            String name = t.trim().toUpperCase(Locale.ROOT);
            if (!name.isEmpty() && !name.equals("NONE")) {
                types.add(PhoneNumberType.valueOf(name));
            }
        }
        this.deniedTypes = types;
    }

    @Override
    public int order() {
        return 10;
    }

    @Override
    public Uni<Void> admit(Attempt attempt) {
        if (attempt.action() == Action.CHECK || attempt.phone() == null) {
            return Uni.createFrom().voidItem();
        }
        if (attempt.verdicts() != null && attempt.verdicts().safeListed()) {
            // the fraud team's allow rule (io.callauth.rules) safe-lists this number, range, address or app
            return Uni.createFrom().voidItem();
        }
        String region = attempt.phone().region();
        if (region == null || !allowedRegions.contains(region)) {
            return refuse("country_not_allowed", "geo_allowed_regions",
                    "calls to " + (region == null ? "this destination" : region) + " are not allowed");
        }
        String digits = attempt.phone().e164().substring(1);
        for (String p : deniedPrefixes) {
            if (digits.startsWith(p)) {
                return refuse("prefix_denied", "geo_denied_prefixes", "calls to +" + p + "… are not allowed");
            }
        }
        if (deniedTypes.contains(attempt.phone().type())) {
            String type = attempt.phone().type().name().toLowerCase(Locale.ROOT);
            return refuse("number_type_" + type, "geo_denied_number_types",
                    "calls to " + type.replace('_', ' ') + " numbers are not allowed");
        }
        return Uni.createFrom().voidItem();
    }

    private static Uni<Void> refuse(String reason, String rule, String detail) {
        return Uni.createFrom().failure(ApiProblem.destinationNotAllowed(detail, reason, rule, Map.of()));
    }
}
