package io.callauth.rules;

import io.netty.util.NetUtil;

import java.util.Optional;

/**
 * An IPv4 or IPv6 address or CIDR range, parsed without any name lookup. An IPv4-mapped IPv6 address
 * ({@code ::ffff:a.b.c.d}) counts as its IPv4 address.
 */
final class IpRange {

    private final byte[] network;
    private final int bits;

    private IpRange(byte[] network, int bits) {
        this.network = network;
        this.bits = bits;
    }

    static Optional<IpRange> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.trim();
        int slash = s.indexOf('/');
        String address = slash < 0 ? s : s.substring(0, slash);
        byte[] bytes = address(address);
        if (bytes == null) {
            return Optional.empty();
        }
        int max = bytes.length * 8;
        int bits = max;
        if (slash >= 0) {
            String len = s.substring(slash + 1);
            if (len.isEmpty() || len.length() > 3 || !len.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return Optional.empty();
            }
            bits = Integer.parseInt(len);
            if (bytes.length == 4 && address.contains(":")) {
                // a mapped IPv6 range: its prefix length counts over 128 bits
                bits -= 96;
                max = 128 - 96;
                if (bits < 0) {
                    return Optional.empty();
                }
            }
            if (bits > max) {
                return Optional.empty();
            }
        }
        return Optional.of(new IpRange(bytes, bits));
    }

    /** the address's bytes (4 or 16), or null when it is not an IP literal */
    static byte[] address(String text) {
        if (text == null || text.isEmpty() || text.length() > 45 || text.indexOf('%') >= 0) {
            return null;
        }
        byte[] b = NetUtil.createByteArrayFromIpAddressString(text.trim());
        if (b == null) {
            return null;
        }
        if (b.length == 16 && isMapped(b)) {
            byte[] v4 = new byte[4];
            System.arraycopy(b, 12, v4, 0, 4);
            return v4;
        }
        return b;
    }

    private static boolean isMapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    boolean contains(String ip) {
        byte[] a = address(ip);
        if (a == null || a.length != network.length) {
            return false;
        }
        int full = bits / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (network[full] & mask);
    }
}
