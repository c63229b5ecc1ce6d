package io.callauth.defence;

import io.callauth.attempts.AttemptRecord;
import io.callauth.phone.Carriers;
import io.callauth.rules.RuleField;

import java.net.InetAddress;
import java.util.Optional;

/**
 * What the defence watches and blocks, each with its wire name (in {@code GET /v1/defence}, evidence and attempt
 * records), the rule field its block uses, and how a record's value is read.
 */
public enum Dimension {
    /** the 8-digit E.164 prefix: 1,000 numbers of a +7 range */
    RANGE("range", RuleField.PREFIX),
    CARRIER("carrier", RuleField.CARRIER),
    COUNTRY("country", RuleField.COUNTRY),
    APP("appId", RuleField.APP_ID),
    /** the client's /24 (IPv4) or /48 (IPv6) */
    NETWORK("network", RuleField.IP),
    DEVICE("deviceId", RuleField.DEVICE_ID);

    private final String wire;
    private final RuleField field;

    Dimension(String wire, RuleField field) {
        this.wire = wire;
        this.field = field;
    }

    public String wire() {
        return wire;
    }

    public RuleField field() {
        return field;
    }

    /** whether this is one of the wide dimensions, blocked only on a collapse of conversion against the baseline */
    public boolean wide() {
        return this == CARRIER || this == COUNTRY || this == APP;
    }

    public static Optional<Dimension> parse(String wire) {
        for (Dimension d : values()) {
            if (d.wire.equals(wire)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** the record's value of this dimension, or null when it has none */
    public String of(AttemptRecord r) {
        return switch (this) {
            case RANGE -> blankToNull(r.prefix());
            case CARRIER -> r.phone() == null ? null : Carriers.of(r.phone()).orElse(null);
            case COUNTRY -> blankToNull(r.country());
            case APP -> blankToNull(r.appId());
            case NETWORK -> network(r.ip());
            case DEVICE -> blankToNull(r.deviceId());
        };
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** the /24 or /48 of an address literal, as a CIDR; null for anything else (never resolves a name) */
    static String network(String ip) {
        if (ip == null || ip.isBlank() || !ip.matches("[0-9a-fA-F:.]+")) {
            return null;
        }
        try {
            byte[] b = InetAddress.getByName(ip).getAddress(); // a literal: no lookup
            if (b.length == 4) {
                return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + ".0/24";
            }
            return String.format("%x:%x:%x::/48", ((b[0] & 0xff) << 8) | (b[1] & 0xff),
                    ((b[2] & 0xff) << 8) | (b[3] & 0xff), ((b[4] & 0xff) << 8) | (b[5] & 0xff));
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }
}
