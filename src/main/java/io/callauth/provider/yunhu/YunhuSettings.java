package io.callauth.provider.yunhu;

import io.callauth.provider.support.CallerIds;
import io.callauth.provider.support.RequestTemplate;
import io.callauth.provider.support.ProviderHttp;
import io.callauth.provider.support.ProviderSettings;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/** Yunhu's settings, judged from its configuration alone (see {@link ProviderSettings}). */
@ApplicationScoped
public class YunhuSettings implements ProviderSettings {

    private final YunhuConfig config;

    public YunhuSettings(YunhuConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return YunhuClient.NAME;
    }

    @Override
    public List<String> problems() {
        return problems(config);
    }

    static List<String> problems(YunhuConfig config) {
        List<String> missing = new ArrayList<>();
        ProviderHttp.require(missing, config.url(), "callauth.providers.yunhu.url");
        ProviderHttp.require(missing, config.appid(), "callauth.providers.yunhu.appid");
        ProviderHttp.require(missing, config.accesskey(), "callauth.providers.yunhu.accesskey");
        ProviderHttp.require(missing, config.callbackSecret(), "callauth.providers.yunhu.callback-secret");
        if (config.callbackSecret().filter(secret -> !secret.isBlank() && secret.length() < 16).isPresent()) {
            // the path secret is the callbacks' only authentication: it must not be guessable
            missing.add("callauth.providers.yunhu.callback-secret must be at least 16 characters");
        }
        if (new CallerIds(config.extnumber()).isEmpty()) {
            missing.add("callauth.providers.yunhu.extnumber (CALLAUTH_PROVIDERS_YUNHU_EXTNUMBER)");
        }
        ProviderSettings.requireCallerIds(missing, YunhuClient.NAME, config.callerIds());
        if (!List.of("makecall", "doublecall").contains(config.method().toLowerCase())) {
            missing.add("callauth.providers.yunhu.method must be MakeCall or DoubleCall");
        }
        RequestTemplate dial = new RequestTemplate(config.dialFormat());
        if (!dial.unknownPlaceholders().isEmpty()) {
            missing.add("callauth.providers.yunhu.dial-format has unknown placeholders " + dial.unknownPlaceholders());
        }
        return missing;
    }
}
