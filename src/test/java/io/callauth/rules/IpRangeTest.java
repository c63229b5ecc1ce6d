package io.callauth.rules;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IpRangeTest {

    private static IpRange range(String s) {
        return IpRange.parse(s).orElseThrow(() -> new AssertionError(s + " did not parse"));
    }

    @Test
    void ipv4() {
        assertThat(range("10.1.2.3").contains("10.1.2.3")).isTrue();
        assertThat(range("10.1.2.3").contains("10.1.2.4")).isFalse();
        assertThat(range("10.1.0.0/16").contains("10.1.255.7")).isTrue();
        assertThat(range("10.1.0.0/16").contains("10.2.0.1")).isFalse();
        assertThat(range("192.0.2.128/25").contains("192.0.2.200")).isTrue();
        assertThat(range("192.0.2.128/25").contains("192.0.2.100")).isFalse();
        assertThat(range("0.0.0.0/0").contains("8.8.8.8")).isTrue();
        assertThat(range("0.0.0.0/0").contains("2001:db8::1")).isFalse();
        assertThat(range("10.0.0.0/8").contains("::ffff:10.9.9.9")).isTrue();
        assertThat(range("10.0.0.0/8").contains("garbage")).isFalse();
        assertThat(range("10.0.0.0/8").contains(null)).isFalse();
    }

    @Test
    void ipv6() {
        assertThat(range("2001:db8::/32").contains("2001:db8:ffff::1")).isTrue();
        assertThat(range("2001:db8::/32").contains("2001:db9::1")).isFalse();
        assertThat(range("2001:db8::1").contains("2001:0db8:0:0:0:0:0:1")).isTrue();
        assertThat(range("2001:db8::/127").contains("2001:db8::1")).isTrue();
        assertThat(range("2001:db8::/127").contains("2001:db8::2")).isFalse();
        assertThat(range("2001:db8::/32").contains("10.0.0.1")).isFalse();
    }

    @Test
    void invalid() {
        for (String s : new String[]{"", "10.0.0.0/33", "10.0.0/8", "10.0.0.0/", "10.0.0.0/-1", "256.0.0.1",
                "example.com", "localhost", "2001:db8::/129", "fe80::1%eth0", "10.0.0.0/8/8", "::/x"}) {
            assertThat(IpRange.parse(s)).as(s).isEmpty();
        }
    }
}
