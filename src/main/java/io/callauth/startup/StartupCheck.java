package io.callauth.startup;

import io.callauth.attempts.AttemptsConfig;
import io.callauth.common.CodeSecret;
import io.callauth.common.DevConfig;
import io.callauth.provider.ProvidersConfig;
import io.callauth.provider.support.ProviderSettings;
import io.callauth.routing.RoutingConfig;
import io.callauth.security.ApiKeys;
import io.callauth.verification.VerificationConfig;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The first thing the application does: find every missing or wrong property (code secret, API keys, Redis,
 * PostgreSQL, the chain, the settings of each provider in it, numeric settings out of their {@link
 * io.callauth.common.InRange range}) from the configuration alone, before any client is
 * built, and report them all at once. In prod the report is printed once, as a list with the environment variable
 * of each, with no stack trace, and the process exits with status 1. In dev and test it fails the start with the
 * same list. The sandbox provider does not exist in the prod build at all.
 */
public class StartupCheck {

    private static final Logger LOG = Logger.getLogger(StartupCheck.class);

    void onStart(@Observes @Priority(1) StartupEvent event, @Any Instance<ProviderSettings> settings,
                 ProvidersConfig providers, ApiKeys keys, CodeSecret secret, DevConfig dev,
                 VerificationConfig verification, AttemptsConfig attempts, RoutingConfig routing) {
        List<String> chain = providers.chain().orElse(List.of()).stream().map(String::trim).filter(s -> !s.isEmpty())
                .toList();
        List<String> problems = new ArrayList<>(problems(chain, byName(settings), keys, secret, LaunchMode.current()));
        problems.addAll(ConfigRanges.problems(VerificationConfig.class, verification));
        problems.addAll(ConfigRanges.problems(AttemptsConfig.class, attempts));
        problems.addAll(ConfigRanges.problems(RoutingConfig.class, routing));
        if (!problems.isEmpty()) {
            String msg = report(problems);
            if (LaunchMode.current() == LaunchMode.NORMAL) {
                // one report, no stack trace, exit status 1: nothing else has started yet
                System.err.println(msg);
                System.err.flush();
                System.out.flush();
                Runtime.getRuntime().halt(1);
            }
            LOG.error(msg);
            throw new IllegalStateException(msg);
        }
        if (LaunchMode.current() == LaunchMode.DEVELOPMENT) {
            String key = dev.apiKey();
            LOG.infof("""

                    ==================================================================
                     callauth dev mode: provider chain %s
                     dev API key (verify + fraud):  %s
                       curl -H 'Authorization: Bearer %s' ...
                     simulated phone: http://localhost:8080/sandbox
                    ==================================================================""", chain, key, key);
        }
    }

    static String report(List<String> problems) {
        return "callauth cannot start; set these properties (environment variables in parentheses):\n  - "
                + String.join("\n  - ", problems);
    }

    private static Map<String, ProviderSettings> byName(Instance<ProviderSettings> settings) {
        Map<String, ProviderSettings> m = new LinkedHashMap<>();
        for (ProviderSettings s : settings) {
            m.put(s.name(), s);
        }
        return m;
    }

    static List<String> problems(List<String> chain, Map<String, ProviderSettings> settings, ApiKeys keys,
                                 CodeSecret secret,
                                 LaunchMode mode) {
        List<String> problems = new ArrayList<>();
        var config = ConfigProvider.getConfig();
        secret.problem().ifPresent(problems::add);
        try {
            if (config.getOptionalValue("callauth.api-keys", String.class).isEmpty() || keys.isEmpty()) {
                problems.add("callauth.api-keys (CALLAUTH_API_KEYS) is required: name:role[+role]:sha256hex,...");
            }
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        if (mode == LaunchMode.NORMAL && config.getOptionalValue("quarkus.redis.hosts", String.class)
                .filter(s -> !s.isBlank()).isEmpty()) {
            problems.add("quarkus.redis.hosts (QUARKUS_REDIS_HOSTS) is required, e.g. redis://redis:6379");
        }
        if (mode == LaunchMode.NORMAL && config.getOptionalValue("quarkus.datasource.jdbc.url", String.class)
                .filter(s -> !s.isBlank()).isEmpty()) {
            problems.add("quarkus.datasource.jdbc.url (QUARKUS_DATASOURCE_JDBC_URL) is required: the attempt archive's "
                    + "PostgreSQL, e.g. jdbc:postgresql://postgres:5432/callauth (with QUARKUS_DATASOURCE_USERNAME and "
                    + "QUARKUS_DATASOURCE_PASSWORD)");
        }
        if (chain.isEmpty()) {
            problems.add("callauth.providers.chain (CALLAUTH_PROVIDERS_CHAIN) is required, e.g. callpass,yunhu,sunsim");
        }
        for (String name : chain) {
            ProviderSettings s = settings.get(name);
            if (s == null) {
                problems.add("callauth.providers.chain (CALLAUTH_PROVIDERS_CHAIN) names '" + name
                        + "', which is not a provider of this build"
                        + (name.equals("sandbox") ? " (the sandbox exists only in dev and test)" : "")
                        + "; known: " + String.join(", ", settings.keySet()));
                continue;
            }
            s.problems().forEach(m -> problems.add("provider " + name + ": " + m));
        }
        return problems;
    }
}
