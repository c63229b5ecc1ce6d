package io.callauth.provider.sandbox;

import io.callauth.provider.support.ProviderSettings;
import io.quarkus.arc.profile.UnlessBuildProfile;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** The sandbox needs no settings; it exists in dev and test builds only. */
@ApplicationScoped
@UnlessBuildProfile("prod")
public class SandboxSettings implements ProviderSettings {

    @Override
    public String name() {
        return "sandbox";
    }

    @Override
    public List<String> problems() {
        return List.of();
    }
}
