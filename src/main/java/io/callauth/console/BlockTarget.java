package io.callauth.console;

import io.callauth.rules.RuleField;
import io.netty.util.NetUtil;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a one-click block offers from an attempts cell or an overview row: the rule's match field and value, what the
 * analyst reads ("range 79585550"), and a prefilled reason. The page's script opens the block dialog from the link's
 * data; without it the link opens the rules page's form, prefilled the same way.
 */
public record BlockTarget(String field, String value, String label, String reason) {

    /** a phone number (E.164) */
    static BlockTarget number(String e164, String why) {
        return of(RuleField.PHONE, e164, "number " + e164, why);
    }

    /** a number range: the 8-digit prefix */
    static BlockTarget range(String prefix, String why) {
        return of(RuleField.PREFIX, prefix, "range " + prefix + "…", why);
    }

    /** one client address */
    static BlockTarget address(String ip, String why) {
        return of(RuleField.IP, ip, "address " + ip, why);
    }

    /** the client's network: the /24 of an IPv4 address, the /48 of an IPv6 one; null when {@code ip} is not one */
    static BlockTarget network(String ip, String why) {
        String cidr = network(ip);
        return cidr == null ? null : of(RuleField.IP, cidr, "network " + cidr, why);
    }

    static BlockTarget app(String appId, String why) {
        return of(RuleField.APP_ID, appId, "app " + appId, why);
    }

    static BlockTarget device(String deviceId, String why) {
        return of(RuleField.DEVICE_ID, deviceId, "device " + deviceId, why);
    }

    private static BlockTarget of(RuleField field, String value, String label, String why) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return new BlockTarget(field.wire(), value, label, label + ": " + why);
    }

    /** "203.0.113.0/24" or "2001:db8:1::/48"; null when {@code ip} is not an IP literal */
    static String network(String ip) {
        byte[] b = ip == null || ip.length() > 45 || ip.indexOf('%') >= 0 ? null
                : NetUtil.createByteArrayFromIpAddressString(ip.strip());
        if (b == null) {
            return null;
        }
        if (b.length == 16 && mapped(b)) {
            byte[] v4 = new byte[4];
            System.arraycopy(b, 12, v4, 0, 4);
            b = v4;
        }
        if (b.length == 4) {
            return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + ".0/24";
        }
        return Integer.toHexString(((b[0] & 0xff) << 8) | (b[1] & 0xff)) + ":"
                + Integer.toHexString(((b[2] & 0xff) << 8) | (b[3] & 0xff)) + ":"
                + Integer.toHexString(((b[4] & 0xff) << 8) | (b[5] & 0xff)) + "::/48";
    }

    /** ::ffff:a.b.c.d, an IPv4 address in IPv6 form */
    private static boolean mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    /** the rules page with its form prefilled: where the link goes when the dialog cannot open */
    public String href() {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("action", "block");
        q.put("field", field);
        q.put("value", value);
        q.put("reason", reason);
        return "/console/rules?" + Links.query(q) + "#add-rule";
    }
}
