package io.callauth.provider.yunhu;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

@ConfigMapping(prefix = "callauth.providers.yunhu")
public interface YunhuConfig {
    /** the API base URL every form POST goes to */
    Optional<String> url();

    Optional<String> appid();

    Optional<String> accesskey();

    /** registered SIP extension(s) of MakeCall / DoubleCall; one is picked at random per call */
    Optional<List<String>> extnumber();

    /** the account's caller IDs ({@code disnumber}); the code is the last digits of the one picked */
    Optional<List<String>> callerIds();

    /** the secret path segment of the callback URLs configured in the Yunhu account */
    Optional<String> callbackSecret();

    /** {@code MakeCall} (extension first, then the user) or {@code DoubleCall} (the user as A, the extension as B) */
    @WithDefault("MakeCall")
    String method();

    /** how the destination is dialled; placeholders {{phone}} (digits) and {{phoneE164}} */
    @WithDefault("{{phone}}")
    String dialFormat();

    @WithDefault("30S")
    Duration ringTimeout();

    @WithDefault("5S")
    Duration requestTimeout();

    /** the documented token validity */
    @WithDefault("12H")
    Duration tokenLifetime();

    @WithDefault("30M")
    Duration tokenRenewBefore();

    /**
     * CDR {@code hangupcause} codes that mean the user's phone rang without being answered (a flash call needs no
     * answer): delivered. A CDR with {@code answertime} is delivered whatever its cause; other causes are not.
     */
    @WithDefault("10001,10002,10003,10005,10016,10040,10041")
    List<Integer> deliveredCauses();
}
