package io.callauth.provider.runtel;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

@ConfigMapping(prefix = "callauth.providers.runtel")
public interface RuntelConfig {
    /** the PBX host, e.g. https://pbx.example.ru; /api/ is appended */
    Optional<String> url();

    /** the cabinet login and password */
    Optional<String> login();

    Optional<String> password();

    /** the account's caller IDs; the code is the last digits of the one picked */
    Optional<List<String>> callerIds();

    @WithDefault("30S")
    Duration ringTimeout();

    @WithDefault("5S")
    Duration requestTimeout();

    /** tokens are renewed this long before their exp */
    @WithDefault("5M")
    Duration tokenRenewBefore();

    /** a token is never kept longer than this, whatever exp says (exp carries no time zone) */
    @WithDefault("1H")
    Duration tokenMaxAge();

    /** after a failed login, no login for this long, doubling per failure (failed logins block the host) */
    @WithDefault("2M")
    Duration loginBackoff();

    @WithDefault("1H")
    Duration loginBackoffMax();

    /**
     * How a placed call without news by its ring timeout is taken: {@code delivered} (unconfirmed; the default, as
     * Runtel documents no call events) or {@code not_delivered} (the chain falls back after every Runtel call).
     */
    @WithDefault("delivered")
    String atRingTimeout();

    /** NOT DOCUMENTED by Runtel: the call action. Configurable; the defaults are an assumption. */
    Call call();

    interface Call {
        @WithDefault("call")
        String action();

        @WithDefault("Call")
        String obj();

        /** JSON params; placeholders {{phone}} {{phoneE164}} {{callerId}} {{callRef}} */
        @WithDefault("{\"from\":\"{{callerId}}\",\"to\":\"{{phone}}\",\"id\":\"{{callRef}}\"}")
        String params();
    }
}
