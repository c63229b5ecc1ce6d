package io.callauth.provider.runtel;

import io.callauth.provider.support.ProviderHttp;
import io.callauth.provider.support.ProviderSettings;
import io.callauth.provider.support.RequestTemplate;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/** Runtel's settings, judged from its configuration alone (see {@link ProviderSettings}). */
@ApplicationScoped
public class RuntelSettings implements ProviderSettings {

    private final RuntelConfig config;

    public RuntelSettings(RuntelConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return RuntelClient.NAME;
    }

    @Override
    public List<String> problems() {
        return problems(config);
    }

    static List<String> problems(RuntelConfig config) {
        List<String> missing = new ArrayList<>();
        ProviderHttp.require(missing, config.url(), "callauth.providers.runtel.url");
        ProviderHttp.require(missing, config.login(), "callauth.providers.runtel.login");
        ProviderHttp.require(missing, config.password(), "callauth.providers.runtel.password");
        ProviderSettings.requireCallerIds(missing, RuntelClient.NAME, config.callerIds());
        RequestTemplate params = new RequestTemplate(config.call().params());
        if (!params.unknownPlaceholders().isEmpty()) {
            missing.add("callauth.providers.runtel.call.params has unknown placeholders " + params.unknownPlaceholders());
        }
        if (!List.of("delivered", "not_delivered").contains(config.atRingTimeout().toLowerCase(java.util.Locale.ROOT))) {
            missing.add("callauth.providers.runtel.at-ring-timeout must be delivered or not_delivered");
        }
        return missing;
    }
}
