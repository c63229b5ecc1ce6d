package io.callauth.attempts;

import io.callauth.phone.PhoneNumbers;

/**
 * How attempt records are built: who asked (API key, client), about which verification and phone, through which
 * provider and channel. The verification core fills one {@link Builder} per event; nothing here knows a code.
 */
public final class AttemptRecords {

    private AttemptRecords() {
    }

    /** a record of this type at this time (epoch millis) */
    public static Builder at(long at, AttemptType type) {
        return new Builder(at, type.wire());
    }

    /** One record's fields, set in any order; {@link #build()} makes the record. */
    public static final class Builder {
        private final long at;
        private final String type;
        private String verificationId, phone, country, prefix, provider, channel, outcome, reason, rule, apiKey, ip,
                userAgent, appId, deviceId, callRef, providerCallId, callerId, detail;

        private Builder(long at, String type) {
            this.at = at;
            this.type = type;
        }

        public Builder verification(String id) {
            this.verificationId = id;
            return this;
        }

        /** the phone in E.164 and its country; the prefix follows from the phone */
        public Builder phone(String e164, String country) {
            this.phone = e164;
            this.country = country;
            this.prefix = PhoneNumbers.prefixOf(e164);
            return this;
        }

        public Builder provider(String provider) {
            this.provider = provider;
            return this;
        }

        public Builder channel(String channel) {
            this.channel = channel;
            return this;
        }

        public Builder outcome(String outcome) {
            this.outcome = outcome;
            return this;
        }

        public Builder reason(String reason) {
            this.reason = reason;
            return this;
        }

        public Builder rule(String rule) {
            this.rule = rule;
            return this;
        }

        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        /** what the client told about the end user */
        public Builder client(String ip, String userAgent, String appId, String deviceId) {
            this.ip = ip;
            this.userAgent = userAgent;
            this.appId = appId;
            this.deviceId = deviceId;
            return this;
        }

        /** the call a call record is about: our reference, the provider's id (never a calling number), the masked
         * caller ID */
        public Builder call(String callRef, String providerCallId, String callerId) {
            this.callRef = callRef;
            this.providerCallId = providerCallId;
            this.callerId = callerId;
            return this;
        }

        /** figures particular to this record's type, a JSON object (see {@link AttemptRecord}); never a code */
        public Builder detail(String jsonObject) {
            this.detail = jsonObject;
            return this;
        }

        public AttemptRecord build() {
            return new AttemptRecord(at, type, verificationId, phone, country, prefix, provider, channel, outcome,
                    reason, rule, apiKey, ip, userAgent, appId, deviceId, callRef, providerCallId, callerId, null,
                    detail);
        }
    }
}
