package io.callauth.attempts;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/** One archived record of the attempt log as the fraud API serves it: {@code id} is its stream id. Never a code. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Attempt(String id, Instant at, String type, String verificationId, String phone, String country,
                      String prefix, String provider, String channel, String outcome, String reason, String rule,
                      String apiKey, String ip, String userAgent, String appId, String deviceId) {

    /** the CSV export's columns, in order */
    public static final String[] COLUMNS = {"id", "at", "type", "verificationId", "phone", "country", "prefix",
            "provider", "channel", "outcome", "reason", "rule", "apiKey", "ip", "userAgent", "appId", "deviceId"};

    static Attempt of(String id, AttemptRecord r) {
        return new Attempt(id, Instant.ofEpochMilli(r.at()), r.type(), r.verificationId(), r.phone(), r.country(),
                r.prefix(), r.provider(), r.channel(), r.outcome(), r.reason(), r.rule(), r.apiKey(), r.ip(),
                r.userAgent(), r.appId(), r.deviceId());
    }

    /** the values in {@link #COLUMNS} order, {@code at} as an ISO-8601 instant */
    String[] values() {
        return new String[]{id, at.toString(), type, verificationId, phone, country, prefix, provider, channel, outcome,
                reason, rule, apiKey, ip, userAgent, appId, deviceId};
    }
}
