package io.callauth.rules;

import io.callauth.common.ApiProblem;
import io.callauth.verification.AbuseGuard;
import io.callauth.phone.PhoneNumbers;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What a rule can match, each field with its wire name (the key of {@code match}), how a value given for it is
 * checked and normalised, and how it matches a start. A new match field is one constant here (and its line in
 * {@link RuleMatch}, the document's view).
 */
public enum RuleField {

    /** a phone number, any format, kept in E.164 */
    PHONE("phone") {
        @Override
        String normalise(String raw, PhoneNumbers phones) {
            try {
                return phones.normalise(raw).e164();
            } catch (ApiProblem p) {
                throw ApiProblem.invalidRequest("match.phone is not a phone number");
            }
        }

        @Override
        Predicate<AbuseGuard.Attempt> matcher(String v) {
            return a -> a.phone() != null && v.equals(a.phone().e164());
        }
    },
    /** the first 1 to 15 digits of E.164 numbers */
    PREFIX("prefix") {
        @Override
        String normalise(String raw, PhoneNumbers phones) {
            String p = raw.strip();
            p = p.startsWith("+") ? p.substring(1) : p;
            if (p.isEmpty() || p.length() > 15 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw ApiProblem.invalidRequest("match.prefix must be 1 to 15 digits of an E.164 number");
            }
            return p;
        }

        @Override
        Predicate<AbuseGuard.Attempt> matcher(String v) {
            return a -> a.phone() != null && a.phone().e164().startsWith(v, 1);
        }
    },
    /** an ISO region, upper case */
    COUNTRY("country") {
        @Override
        String normalise(String raw, PhoneNumbers phones) {
            String c = raw.strip();
            if (c.length() != 2 || !c.chars().allMatch(ch -> (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z'))) {
                throw ApiProblem.invalidRequest("match.country must be a two-letter ISO region, e.g. RU");
            }
            return c.toUpperCase(Locale.ROOT);
        }

        @Override
        Predicate<AbuseGuard.Attempt> matcher(String v) {
            return a -> a.phone() != null && v.equals(a.phone().region());
        }
    },
    /**
     * the network a number's range was assigned to, by libphonenumber's carrier data ("MegaFon", "Beeline"), matched
     * without regard to case; the start path knows it from the normalised phone (no lookup, no round trip)
     */
    CARRIER("carrier") {
        @Override
        String normalise(String raw, PhoneNumbers phones) {
            return super.normalise(raw.strip(), phones);
        }

        @Override
        Predicate<AbuseGuard.Attempt> matcher(String v) {
            return a -> a.phone() != null && v.equalsIgnoreCase(a.phone().carrier());
        }
    },
    /** the client's address: one address or a CIDR range, IPv4 or IPv6 */
    IP("ip") {
        @Override
        String normalise(String raw, PhoneNumbers phones) {
            String ip = raw.strip();
            if (IpRange.parse(ip).isEmpty()) {
                throw ApiProblem.invalidRequest("match.ip must be an IPv4 or IPv6 address or CIDR range");
            }
            return ip;
        }

        @Override
        Predicate<AbuseGuard.Attempt> matcher(String v) {
            IpRange range = IpRange.parse(v).orElse(null); // parsed once per rule set, not per start
            return a -> range != null && a.context() != null && range.contains(a.context().ip());
        }
    },
    /** a client app's id ({@code context.appId}) */
    APP_ID("appId") {
        @Override
        Predicate<AbuseGuard.Attempt> matcher(String v) {
            return a -> a.context() != null && v.equals(a.context().appId());
        }
    },
    /** an end user's device id ({@code context.deviceId}) */
    DEVICE_ID("deviceId") {
        @Override
        Predicate<AbuseGuard.Attempt> matcher(String v) {
            return a -> a.context() != null && v.equals(a.context().deviceId());
        }
    };

    static final int MAX_FREE_TEXT = 128;

    private final String wire;

    RuleField(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** the value as the rule keeps it; 400 {@code invalid_request} naming the field when it is not one */
    String normalise(String raw, PhoneNumbers phones) {
        if (raw.length() > MAX_FREE_TEXT) {
            throw ApiProblem.invalidRequest("match." + wire + " is longer than " + MAX_FREE_TEXT + " characters");
        }
        return raw;
    }

    /** a test of a start against a rule's value (compiled once per rule set) */
    abstract Predicate<AbuseGuard.Attempt> matcher(String value);

    /** whether a value of this field is personal data kept out of the logs */
    boolean personal() {
        return this == PHONE;
    }

    public static Optional<RuleField> parse(String wire) {
        return Arrays.stream(values()).filter(f -> f.wire.equals(wire)).findFirst();
    }

    /** the wire names, in order */
    public static java.util.List<String> wires() {
        return Arrays.stream(values()).map(RuleField::wire).toList();
    }

    /** the wire names, for messages: "phone, prefix, ..." */
    static String names() {
        return String.join(", ", wires());
    }
}
