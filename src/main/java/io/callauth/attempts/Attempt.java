package io.callauth.attempts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;

/** One archived record of the attempt log as the fraud API serves it: {@code id} is its stream id. Never a code. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Attempt", description = "One record of the attempt log. Never a code. Members without a value are "
        + "absent.")
public record Attempt(
        @Schema(required = true, description = "The record's stable id", examples = "1764566403512-0")
        String id,
        @Schema(required = true, description = "When it happened")
        Instant at,
        @Schema(required = true, ref = io.callauth.openapi.NamedEnums.ATTEMPT_TYPE, description = "What happened "
                + "(`AttemptType`: an open set, new types may be added)", examples = "check")
        String type,
        @Schema(description = "The verification; absent on a refused start",
                examples = "vf_4c1e0d6a9b2f47e3a1c5d8e7f6a5b4c3")
        String verificationId,
        @Schema(description = "The number, E.164", examples = "+79161234567")
        String phone,
        @Schema(description = "The number's ISO region", examples = "RU")
        String country,
        @Schema(description = "The first 8 digits of the number", examples = "79161234")
        String prefix,
        @Schema(description = "The provider (`started`: the one the verification was routed to first; a fallback's "
                + "call: the fallback)", examples = "callpass")
        String provider,
        @Schema(description = "The channel", examples = "flashcall")
        String channel,
        @Schema(description = "`check`: `valid` or `invalid`; `call_outcome`: `delivered`, `not_delivered` or "
                + "`failed`; `call_failed`: what the provider said; `refused`: `monitor` when a rule in monitor mode "
                + "only noted what it would have refused", examples = "valid")
        String outcome,
        @Schema(description = "A refusal: what (`rate_limited`, `invalid_phone`, `country_not_allowed`, "
                + "`number_type_premium_rate`, ...); a call: why it failed or fell back", examples = "rate_limited")
        String reason,
        @Schema(description = "A refusal: the rule that refused it", examples = "destination")
        String rule,
        @Schema(description = "The name of the API key", examples = "shop")
        String apiKey,
        @Schema(description = "The end user's IP", examples = "203.0.113.7")
        String ip,
        @Schema(description = "The end user's user agent")
        String userAgent,
        @Schema(description = "The client's app id", examples = "demo")
        String appId,
        @Schema(description = "The end user's device id")
        String deviceId,
        @Schema(description = "Figures particular to the record's type, a JSON object: an auto-block's evidence, a "
                + "routing decision's reason", implementation = Object.class)
        JsonNode detail) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** the CSV export's columns, in order */
    public static final String[] COLUMNS = {"id", "at", "type", "verificationId", "phone", "country", "prefix",
            "provider", "channel", "outcome", "reason", "rule", "apiKey", "ip", "userAgent", "appId", "deviceId", "detail"};

    static Attempt of(String id, AttemptRecord r) {
        return new Attempt(id, Instant.ofEpochMilli(r.at()), r.type(), r.verificationId(), r.phone(), r.country(),
                r.prefix(), r.provider(), r.channel(), r.outcome(), r.reason(), r.rule(), r.apiKey(), r.ip(),
                r.userAgent(), r.appId(), r.deviceId(), json(r.detail()));
    }

    /** a record's {@code detail} as JSON, or null when it has none (or it is not JSON: never an error for a read) */
    public static JsonNode json(String detail) {
        if (detail == null || detail.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(detail);
        } catch (JsonProcessingException e) {
            return JSON.getNodeFactory().textNode(detail);
        }
    }

    /** the values in {@link #COLUMNS} order, {@code at} as an ISO-8601 instant */
    String[] values() {
        return new String[]{id, at.toString(), type, verificationId, phone, country, prefix, provider, channel, outcome,
                reason, rule, apiKey, ip, userAgent, appId, deviceId,
                detail == null ? null : detail.toString()};
    }
}
