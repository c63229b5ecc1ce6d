package io.callauth.provider.callpass;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "callauth.providers.callpass")
public interface CallPassConfig {
    /** root, e.g. https://api.callpass.sp-com.ru; /api/v1.0/... etc. are appended */
    Optional<String> url();

    /** bearer token from the CallPass cabinet (its length is not checked: the seed and public clients disagree) */
    Optional<String> token();

    /** v1 (synchronous), v2 (asynchronous, default), v3 (asynchronous, 7-digit phone in answers) */
    @WithDefault("v2")
    String apiVersion();

    /** the timeout parameter: seconds the phone rings, 2..99 */
    @WithDefault("30")
    int ringTimeout();

    /** HTTP timeout of an asynchronous start or a status poll (v1 waits ring-timeout plus this) */
    @WithDefault("5S")
    Duration requestTimeout();
}
