package io.callauth.webhooks;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * The addresses a webhook is never sent to (server-side request forgery): what is not on the public Internet, with
 * the cloud metadata services named apart. IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4)
 * are judged by that address.
 */
final class Addresses {

    /** host names of metadata services (they resolve only inside their cloud, to a link-local address) */
    static final Set<String> METADATA_HOSTS = Set.of("metadata.google.internal", "metadata.goog", "metadata",
            "instance-data", "instance-data.ec2.internal");

    /** fd00:ec2::254, AWS's metadata service over IPv6 */
    private static final byte[] AWS_METADATA_V6 = {(byte) 0xfd, 0, 0x0e, (byte) 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
            0x54};

    private Addresses() {
    }

    /** why an address is refused ("a loopback address", ...), or empty when it is a public one */
    static Optional<String> refusal(InetAddress address) {
        byte[] a = address.getAddress();
        if (address instanceof Inet4Address) {
            return v4(a);
        }
        if (address instanceof Inet6Address) {
            return v6(a);
        }
        return Optional.of("an address of an unknown family");
    }

    private static Optional<String> v4(byte[] a) {
        int b0 = a[0] & 0xff;
        int b1 = a[1] & 0xff;
        int b2 = a[2] & 0xff;
        if (b0 == 169 && b1 == 254 && b2 == 169 && (a[3] & 0xff) == 254) {
            return Optional.of("a cloud metadata address");
        }
        if (b0 == 0) {
            return Optional.of("an unspecified address (0.0.0.0/8)");
        }
        if (b0 == 127) {
            return Optional.of("a loopback address");
        }
        if (b0 == 10 || (b0 == 172 && (b1 & 0xf0) == 16) || (b0 == 192 && b1 == 168)) {
            return Optional.of("a private address");
        }
        if (b0 == 100 && (b1 & 0xc0) == 64) {
            return Optional.of("a shared (carrier-grade NAT) address");
        }
        if (b0 == 169 && b1 == 254) {
            return Optional.of("a link-local address");
        }
        if (b0 >= 224 && b0 <= 239) {
            return Optional.of("a multicast address");
        }
        if (b0 >= 240 || (b0 == 192 && b1 == 0 && (b2 == 0 || b2 == 2)) || (b0 == 198 && (b1 & 0xfe) == 18)
                || (b0 == 198 && b1 == 51 && b2 == 100) || (b0 == 203 && b1 == 0 && b2 == 113)) {
            return Optional.of("a reserved address");
        }
        return Optional.empty();
    }

    private static Optional<String> v6(byte[] a) {
        if (Arrays.equals(a, AWS_METADATA_V6)) {
            return Optional.of("a cloud metadata address");
        }
        if (zeros(a, 0, 10) && (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff) {
            return v4(embedded(a, 12)); // IPv4-mapped ::ffff:a.b.c.d
        }
        if (zeros(a, 0, 12)) {
            if (zeros(a, 12, 15) && (a[15] == 0 || a[15] == 1)) {
                return Optional.of(a[15] == 0 ? "an unspecified address" : "a loopback address");
            }
            return v4(embedded(a, 12)); // IPv4-compatible ::a.b.c.d (deprecated)
        }
        int w0 = ((a[0] & 0xff) << 8) | (a[1] & 0xff);
        int w1 = ((a[2] & 0xff) << 8) | (a[3] & 0xff);
        if (w0 == 0x0064 && w1 == 0xff9b && zeros(a, 4, 12)) {
            return v4(embedded(a, 12)); // NAT64 64:ff9b::/96
        }
        if (w0 == 0x2002) {
            return v4(embedded(a, 2)); // 6to4 2002:a.b.c.d::/48
        }
        if ((w0 & 0xfe00) == 0xfc00) {
            return Optional.of("a private address (unique local)");
        }
        if ((w0 & 0xffc0) == 0xfe80) {
            return Optional.of("a link-local address");
        }
        if ((w0 & 0xffc0) == 0xfec0) {
            return Optional.of("a private address (site-local)");
        }
        if ((w0 & 0xff00) == 0xff00) {
            return Optional.of("a multicast address");
        }
        if ((w0 == 0x2001 && w1 == 0x0db8) || (w0 == 0x0100 && zeros(a, 2, 8)) || (w0 == 0x0064 && w1 == 0xff9b)) {
            return Optional.of("a reserved address");
        }
        return Optional.empty();
    }

    private static boolean zeros(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] embedded(byte[] a, int at) {
        return new byte[]{a[at], a[at + 1], a[at + 2], a[at + 3]};
    }
}
