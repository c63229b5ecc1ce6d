package io.callauth.common;

import io.callauth.provider.CallProvider;
import io.callauth.provider.ProviderChain;
import io.callauth.security.ApiKeys;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Refuses to start with a message naming every missing or wrong property: code secret, API keys, Redis, and the
 * settings of each provider in the chain. The sandbox provider does not exist in the prod build at all.
 */
public class StartupCheck {

    private static final Logger LOG = Logger.getLogger(StartupCheck.class);

    void onStart(@Observes StartupEvent event, ProviderChain chain, ApiKeys keys) {
        List<String> problems = problems(chain, keys, LaunchMode.current());
        if (!problems.isEmpty()) {
            String msg = "callauth cannot start:\n  - " + String.join("\n  - ", problems);
            LOG.error(msg);
            throw new IllegalStateException(msg);
        }
        if (LaunchMode.current() == LaunchMode.DEVELOPMENT) {
            String key = ConfigProvider.getConfig().getOptionalValue("callauth.dev.api-key", String.class).orElse("?");
            LOG.infof("""

                    ==================================================================
                     callauth dev mode: provider chain %s
                     dev API key (verify + fraud):  %s
                       curl -H 'Authorization: Bearer %s' ...
                     simulated phone: http://localhost:8080/sandbox
                    ==================================================================""", chain.names(), key, key);
        }
    }

    static List<String> problems(ProviderChain chain, ApiKeys keys, LaunchMode mode) {
        List<String> problems = new ArrayList<>();
        var config = ConfigProvider.getConfig();
        Optional<String> secret = config.getOptionalValue("callauth.code-secret", String.class);
        if (secret.filter(s -> !s.isBlank()).isEmpty()) {
            problems.add("callauth.code-secret (CALLAUTH_CODE_SECRET) is required: the HMAC key of stored codes");
        } else if (secret.get().length() < 32) {
            problems.add("callauth.code-secret (CALLAUTH_CODE_SECRET) must be at least 32 characters");
        }
        try {
            if (config.getOptionalValue("callauth.api-keys", String.class).isEmpty() || keys.isEmpty()) {
                problems.add("callauth.api-keys (CALLAUTH_API_KEYS) is required: name:role[+role]:sha256hex,...");
            }
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        if (mode == LaunchMode.NORMAL
                && config.getOptionalValue("quarkus.redis.hosts", String.class).filter(s -> !s.isBlank()).isEmpty()) {
            problems.add("quarkus.redis.hosts (QUARKUS_REDIS_HOSTS) is required, e.g. redis://redis:6379");
        }
        if (mode == LaunchMode.NORMAL && config.getOptionalValue("quarkus.datasource.jdbc.url", String.class)
                .filter(s -> !s.isBlank()).isEmpty()) {
            problems.add("quarkus.datasource.jdbc.url (QUARKUS_DATASOURCE_JDBC_URL) is required: the attempt archive's "
                    + "PostgreSQL, e.g. jdbc:postgresql://postgres:5432/callauth (with QUARKUS_DATASOURCE_USERNAME and "
                    + "QUARKUS_DATASOURCE_PASSWORD)");
        }
        if (chain.names().isEmpty()) {
            problems.add("callauth.providers.chain (CALLAUTH_PROVIDERS_CHAIN) is required, e.g. callpass,yunhu,sunsim");
        }
        for (String unknown : chain.unknown()) {
            problems.add("callauth.providers.chain names '" + unknown + "', which is not a provider of this build"
                    + (unknown.equals("sandbox") ? " (the sandbox exists only in dev and test)" : ""));
        }
        for (CallProvider p : chain.providers()) {
            p.missingConfiguration().forEach(m -> problems.add("provider " + p.name() + ": " + m));
        }
        return problems;
    }
}
