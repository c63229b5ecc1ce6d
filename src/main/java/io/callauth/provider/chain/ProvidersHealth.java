package io.callauth.provider.chain;

import io.callauth.provider.CallProvider;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Readiness details per provider of the chain: circuit state, this replica's recent success ratio, and a login
 * back-off when one is running (Runtel after a failed login). Up while at least one provider can take calls;
 * checks keep working either way, so a replica is not taken out of service for providers alone unless none is left.
 */
@Readiness
@ApplicationScoped
public class ProvidersHealth implements AsyncHealthCheck {

    private final ProviderChain chain;

    public ProvidersHealth(ProviderChain chain) {
        this.chain = chain;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        List<Uni<Map.Entry<String, Map<String, Object>>>> parts = new ArrayList<>();
        for (CallProvider p : chain.providers()) {
            parts.add(describe(p));
        }
        if (parts.isEmpty()) {
            return Uni.createFrom().item(HealthCheckResponse.named("providers").down().withData("chain", "empty").build());
        }
        return Uni.join().all(parts).andFailFast().map(entries -> {
            HealthCheckResponseBuilder b = HealthCheckResponse.named("providers");
            boolean any = false;
            for (Map.Entry<String, Map<String, Object>> e : entries) {
                any |= Boolean.TRUE.equals(e.getValue().get("usable"));
                b.withData(e.getKey(), words(e.getValue()));
            }
            return b.status(any).build();
        });
    }

    /** one provider's state in plain words, e.g. "usable; circuit closed; polls circuit open; success ratio 0.98" */
    static String words(Map<String, Object> d) {
        List<String> parts = new ArrayList<>();
        parts.add(Boolean.TRUE.equals(d.get("usable")) ? "usable" : "not usable");
        if (d.containsKey("circuit")) {
            parts.add("circuit " + d.get("circuit").toString().replace('_', ' '));
        }
        if (d.containsKey("readCircuit") && !"closed".equals(d.get("readCircuit"))) {
            parts.add("polls circuit " + d.get("readCircuit").toString().replace('_', ' '));
        }
        if (d.containsKey("successRatio")) {
            parts.add("success ratio " + d.get("successRatio"));
        }
        if (d.containsKey("login")) {
            parts.add("login " + d.get("login"));
        }
        return String.join("; ", parts);
    }

    private Uni<Map.Entry<String, Map<String, Object>>> describe(CallProvider p) {
        Map<String, Object> d = new LinkedHashMap<>();
        boolean[] usable = {true};
        p.guard().ifPresent(g -> {
            String state = g.state().name().toLowerCase();
            d.put("circuit", state);
            d.put("readCircuit", g.readState().name().toLowerCase());
            usable[0] &= !state.equals("open");
            g.successRatio().ifPresent(r -> d.put("successRatio", Math.round(r * 100) / 100.0));
        });
        Uni<Void> token = p.sessionToken().map(t -> t.backoffState().invoke(b -> b.ifPresent(s -> {
            d.put("login", "backing off until " + Instant.ofEpochMilli(s.until()) + " after " + s.failures()
                    + " failure(s)");
            usable[0] = false;
        })).replaceWithVoid()).orElse(Uni.createFrom().voidItem());
        return token.onFailure().recoverWithItem(() -> null).map(v -> {
            d.put("usable", usable[0]);
            return Map.entry(p.name(), d);
        });
    }
}
