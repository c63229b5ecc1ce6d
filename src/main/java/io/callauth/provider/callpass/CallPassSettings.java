package io.callauth.provider.callpass;

import io.callauth.provider.support.ProviderHttp;
import io.callauth.provider.support.ProviderSettings;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/** CallPass' settings, judged from its configuration alone (see {@link ProviderSettings}). */
@ApplicationScoped
public class CallPassSettings implements ProviderSettings {

    private final CallPassConfig config;

    public CallPassSettings(CallPassConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return CallPassClient.NAME;
    }

    @Override
    public List<String> problems() {
        return problems(config);
    }

    static List<String> problems(CallPassConfig config) {
        List<String> missing = new ArrayList<>();
        ProviderHttp.require(missing, config.url(), "callauth.providers.callpass.url");
        ProviderHttp.require(missing, config.token(), "callauth.providers.callpass.token");
        if (!CallPassClient.VERSIONS.contains(config.apiVersion())) {
            missing.add("callauth.providers.callpass.api-version must be v1, v2 or v3, not '" + config.apiVersion() + "'");
        }
        if (config.ringTimeout() < 2 || config.ringTimeout() > 99) {
            missing.add("callauth.providers.callpass.ring-timeout must be 2..99 seconds");
        }
        return missing;
    }
}
