package io.callauth.background;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;

import java.util.Arrays;
import java.util.Locale;

/**
 * A replica without the {@code api} role serves no API and no console: its HTTP port is not opened at all
 * ({@code quarkus.http.host-enabled=false}); health, metrics and the OpenAPI document stay on the management port.
 * Written here, from {@code callauth.roles}, so that the operator sets one property.
 */
@Priority(Priorities.APPLICATION + 100)
public class RolesConfigInterceptor implements ConfigSourceInterceptor {

    static final String HOST_ENABLED = "quarkus.http.host-enabled";
    static final String ROLES = "callauth.roles";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (!HOST_ENABLED.equals(name)) {
            return value;
        }
        ConfigValue roles = context.proceed(ROLES);
        if (roles == null || roles.getValue() == null || servesApi(roles.getValue())) {
            return value;
        }
        return ConfigValue.builder().withName(HOST_ENABLED).withValue("false")
                .withConfigSourceName("callauth.roles without api").withConfigSourceOrdinal(Integer.MAX_VALUE).build();
    }

    static boolean servesApi(String roles) {
        return Arrays.stream(roles.split(",")).map(r -> r.trim().toLowerCase(Locale.ROOT)).anyMatch("api"::equals);
    }
}
