package io.callauth.provider.sunsim;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

@ConfigMapping(prefix = "callauth.providers.sunsim")
public interface SunSimConfig {
    /** e.g. https://webapi.sunsim.ru:4432 (test stand https://test-webapi.sunsim.ru:4432); /api/v1/… is appended */
    Optional<String> url();

    /** the authorization token from the web cabinet (no expiry); creates the access/refresh pair */
    Optional<String> authorizationToken();

    /** the account's caller IDs; the code is the last digits of the one picked */
    Optional<List<String>> callerIds();

    /** how long a placed call may ring */
    @WithDefault("30S")
    Duration ringTimeout();

    @WithDefault("5S")
    Duration requestTimeout();

    /** renew the access token this long before it expires */
    @WithDefault("1H")
    Duration tokenRenewBefore();

    /**
     * time zone of getcalllist's periodStart / periodEnd and of its rows' callDate (not documented; Moscow is the
     * operator's)
     */
    @WithDefault("Europe/Moscow")
    String timeZone();

    /**
     * NOT DOCUMENTED which numbers getcalllist's {@code nums} takes ("the numbers the list is made for").
     * {@code caller-id}: the caller ID the call went out from, one of the account's own numbers; it finds the call
     * whether {@code nums} means the account's numbers or any number of a row. {@code destination}: the user's
     * number; only for an account whose call list is searched by the other party's number.
     */
    @WithDefault(CALLER_ID)
    String callListNums();

    String CALLER_ID = "caller-id";
    String DESTINATION = "destination";

    /** NOT DOCUMENTED by SunSim: how to place a call. Configurable; the defaults are an assumption. */
    Call call();

    interface Call {
        /** POST or PUT */
        @WithDefault("POST")
        String method();

        /** path under /api/v1/ */
        @WithDefault("request/makecall")
        String path();

        /** JSON body; placeholders {{phone}} {{phoneE164}} {{callerId}} {{callRef}} */
        @WithDefault("{\"abonentNum\":\"{{phone}}\",\"extNum\":\"{{callerId}}\",\"requestId\":\"{{callRef}}\"}")
        String body();
    }
}
