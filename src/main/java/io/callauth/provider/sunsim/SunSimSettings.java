package io.callauth.provider.sunsim;

import io.callauth.provider.support.ProviderHttp;
import io.callauth.provider.support.ProviderSettings;
import io.callauth.provider.support.RequestTemplate;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/** SunSim's settings, judged from its configuration alone (see {@link ProviderSettings}). */
@ApplicationScoped
public class SunSimSettings implements ProviderSettings {

    private final SunSimConfig config;

    public SunSimSettings(SunSimConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return SunSimClient.NAME;
    }

    @Override
    public List<String> problems() {
        return problems(config);
    }

    static List<String> problems(SunSimConfig config) {
        List<String> missing = new ArrayList<>();
        ProviderHttp.require(missing, config.url(), "callauth.providers.sunsim.url");
        ProviderHttp.require(missing, config.authorizationToken(), "callauth.providers.sunsim.authorization-token");
        ProviderSettings.requireCallerIds(missing, SunSimClient.NAME, config.callerIds());
        RequestTemplate callBody = new RequestTemplate(config.call().body());
        if (!callBody.unknownPlaceholders().isEmpty()) {
            missing.add("callauth.providers.sunsim.call.body has unknown placeholders " + callBody.unknownPlaceholders());
        }
        if (!List.of("POST", "PUT").contains(config.call().method().toUpperCase())) {
            missing.add("callauth.providers.sunsim.call.method must be POST or PUT");
        }
        if (!List.of(SunSimConfig.CALLER_ID, SunSimConfig.DESTINATION).contains(config.callListNums())) {
            missing.add("callauth.providers.sunsim.call-list-nums must be " + SunSimConfig.CALLER_ID + " or "
                    + SunSimConfig.DESTINATION);
        }
        return missing;
    }
}
