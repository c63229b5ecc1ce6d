package io.callauth.webhooks;

import io.callauth.common.ApiProblem;
import io.callauth.common.Mappings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Server-side request forgery: every address class refused when an endpoint is registered and again when a try is
 * sent; the allowed-hosts exception; DNS rebinding between the two. Address literals and {@code localhost} need no
 * DNS server; other host names go through a scripted resolver.
 */
class TargetsTest {

    static WebhooksConfig config(Map<String, String> properties) {
        return Mappings.of(WebhooksConfig.class, properties);
    }

    /** http allowed (so that the address rules are what is tested), nothing exempt, the JDK's resolver */
    static final Targets HTTP_OK = new Targets(config(Map.of("callauth.webhooks.allow-http", "true")));

    /** the addresses and names never sent to, as a URL's host is written */
    static final List<String> REFUSED_HOSTS = List.of(
            "127.0.0.1", "127.1.2.3", "127.1", "2130706433", "0.0.0.0", "0.1.2.3",
            "10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.254", "192.168.0.1", "192.168.255.255",
            "169.254.0.1", "169.254.169.254", "100.64.0.1", "100.100.100.200", "100.127.255.254",
            "224.0.0.1", "239.255.255.250", "255.255.255.255", "240.0.0.1", "198.18.0.1", "192.0.0.192",
            "[::1]", "[::]", "[fc00::1]", "[fd12:3456:789a::1]", "[fd00:ec2::254]", "[fe80::1]", "[febf::1]",
            "[fec0::1]", "[ff02::1]", "[ff05::1:3]",
            "[::ffff:127.0.0.1]", "[::ffff:10.1.2.3]", "[::ffff:169.254.169.254]", "[::ffff:192.168.1.1]",
            "[::ffff:7f00:1]", "[::127.0.0.1]", "[::10.0.0.1]", "[64:ff9b::a9fe:a9fe]", "[64:ff9b::127.0.0.1]",
            "[2002:7f00:1::]", "[2002:a00:1::1]", "[2001:db8::1]",
            "localhost", "LocalHost", "metadata.google.internal", "metadata.google.internal.", "metadata.goog");

    static final List<String> PUBLIC_HOSTS = List.of("8.8.8.8", "93.184.216.34", "1.1.1.1", "172.32.0.1",
            "100.128.0.1", "169.253.255.255", "[2606:4700:4700::1111]", "[2a00:1450:4001:80b::200e]",
            "[::ffff:8.8.8.8]", "[64:ff9b::808:808]", "[2002:808:808::1]");

    @Test
    void everyNonPublicAddressIsRefusedAtRegistrationAndAtSend() {
        for (String host : REFUSED_HOSTS) {
            for (String scheme : List.of("http", "https")) {
                String url = scheme + "://" + host + ":8443/hooks/callauth?x=1";
                assertThatThrownBy(() -> HTTP_OK.checkAtRegistration(url)).as(url)
                        .isInstanceOfSatisfying(ApiProblem.class, p -> {
                            assertThat(p.status()).isEqualTo(400);
                            assertThat(p.code()).isEqualTo("invalid_webhook_url");
                        });
                assertThatThrownBy(() -> HTTP_OK.resolveForSend(URI.create(url))).as(url)
                        .isInstanceOf(TargetRefused.class);
            }
        }
    }

    @Test
    void publicAddressesPassAndTheSendAnswersTheAddressToConnectTo() throws Exception {
        for (String host : PUBLIC_HOSTS) {
            String url = "https://" + host + "/hook";
            assertThatCode(() -> HTTP_OK.checkAtRegistration(url)).as(url).doesNotThrowAnyException();
            InetAddress pinned = HTTP_OK.resolveForSend(URI.create(url));
            assertThat(pinned).as(url).isEqualTo(InetAddress.getByName(host.replace("[", "").replace("]", "")));
        }
    }

    @Test
    void theRefusalSaysWhyAndNamesNoAddressBehindAHostName() {
        Targets t = scripted(Map.of("intranet.example.com", List.of("10.20.30.40")), Map.of());
        assertThatThrownBy(() -> t.checkAtRegistration("https://intranet.example.com/h"))
                .isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.getMessage())
                        .contains("intranet.example.com", "a private address").doesNotContain("10.20.30.40"));
        assertThatThrownBy(() -> HTTP_OK.checkAtRegistration("https://169.254.169.254/latest/meta-data/"))
                .hasMessageContaining("metadata");
        assertThatThrownBy(() -> HTTP_OK.checkAtRegistration("https://[::1]/"))
                .hasMessageContaining("loopback");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "hooks.example.com/path", "/relative/path", "//8.8.8.8/no-scheme", "ftp://8.8.8.8/x",
            "file:///etc/passwd", "gopher://8.8.8.8:70/", "mailto:ops@example.com", "javascript:alert(1)",
            "https://user:password@8.8.8.8/hook", "https://user@8.8.8.8/hook", "https://:@8.8.8.8/",
            "https://8.8.8.8 /hook", "https://exa mple.com/", "https:///only-a-path", "https://8.8.8.8\\@127.0.0.1/",
            "https://[::1/", "https://exa_mple.com/"})
    void aUrlThatIsNotAnAbsoluteHttpsUrlWithAHostIsRefused(String url) {
        assertThatThrownBy(() -> HTTP_OK.checkAtRegistration(url)).as(url)
                .isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.code()).isEqualTo("invalid_webhook_url"));
    }

    @Test
    void aNullOrOverlongUrlIsRefused() {
        assertThatThrownBy(() -> HTTP_OK.checkAtRegistration(null)).isInstanceOf(ApiProblem.class);
        String longUrl = "https://8.8.8.8/" + "a".repeat(Targets.MAX_URL_LENGTH);
        assertThatThrownBy(() -> HTTP_OK.checkAtRegistration(longUrl)).isInstanceOf(ApiProblem.class)
                .hasMessageContaining("longer than");
    }

    @Test
    void userInfoIsRefusedAtSendToo() {
        assertThatThrownBy(() -> HTTP_OK.resolveForSend(URI.create("https://u:p@8.8.8.8/")))
                .isInstanceOf(TargetRefused.class);
    }

    @Test
    void httpOnlyWhenAllowedHttpsAlways() {
        Targets prod = new Targets(config(Map.of()));
        assertThat(config(Map.of()).allowHttp()).as("the default").isFalse();
        assertThatThrownBy(() -> prod.checkAtRegistration("http://8.8.8.8/hook"))
                .isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.getMessage()).contains("https"));
        assertThatThrownBy(() -> prod.resolveForSend(URI.create("http://8.8.8.8/hook")))
                .isInstanceOf(TargetRefused.class);
        assertThatCode(() -> prod.checkAtRegistration("https://8.8.8.8/hook")).doesNotThrowAnyException();
        assertThatCode(() -> prod.checkAtRegistration("HTTPS://8.8.8.8/hook")).doesNotThrowAnyException();
        assertThatCode(() -> HTTP_OK.checkAtRegistration("http://8.8.8.8/hook")).doesNotThrowAnyException();
    }

    @Test
    void anAllowedHostIsExemptAsWrittenAndOnlyAsWritten() throws Exception {
        Targets t = new Targets(config(Map.of("callauth.webhooks.allow-http", "true",
                "callauth.webhooks.allowed-hosts", "127.0.0.1, ::1")));
        assertThatCode(() -> t.checkAtRegistration("http://127.0.0.1:40123/receiver")).doesNotThrowAnyException();
        assertThat(t.resolveForSend(URI.create("http://127.0.0.1:40123/receiver")))
                .isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThatCode(() -> t.checkAtRegistration("http://[::1]:40123/receiver")).doesNotThrowAnyException();
        assertThat(t.resolveForSend(URI.create("http://[::1]:40123/")).isLoopbackAddress()).isTrue();
        // the same addresses written another way are not listed
        for (String url : List.of("http://127.1/", "http://127.0.0.2/", "http://2130706433/", "http://localhost/",
                "http://[::ffff:127.0.0.1]/", "http://[0:0:0:0:0:0:0:1]/", "http://10.0.0.1/")) {
            assertThatThrownBy(() -> t.checkAtRegistration(url)).as(url).isInstanceOf(ApiProblem.class);
            assertThatThrownBy(() -> t.resolveForSend(URI.create(url))).as(url).isInstanceOf(TargetRefused.class);
        }
        // exempt from the address rules, not from the others
        assertThatThrownBy(() -> t.checkAtRegistration("http://user:pw@127.0.0.1/")).isInstanceOf(ApiProblem.class);
        Targets httpsOnly = new Targets(config(Map.of("callauth.webhooks.allowed-hosts", "127.0.0.1")));
        assertThatThrownBy(() -> httpsOnly.checkAtRegistration("http://127.0.0.1/")).isInstanceOf(ApiProblem.class);
    }

    @Test
    void localhostResolvesToLoopbackAndIsRefusedUnlessListed() throws Exception {
        assertThat(InetAddress.getByName("localhost").isLoopbackAddress()).as("this machine's /etc/hosts").isTrue();
        assertThatThrownBy(() -> HTTP_OK.checkAtRegistration("http://localhost:8080/hook"))
                .isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.getMessage()).contains("loopback"));
        assertThatThrownBy(() -> HTTP_OK.resolveForSend(URI.create("http://localhost:8080/hook")))
                .isInstanceOf(TargetRefused.class);
        Targets listed = new Targets(config(Map.of("callauth.webhooks.allow-http", "true",
                "callauth.webhooks.allowed-hosts", "LOCALHOST")));
        assertThatCode(() -> listed.checkAtRegistration("http://localhost:8080/hook")).doesNotThrowAnyException();
        assertThat(listed.resolveForSend(URI.create("http://Localhost:8080/hook")).isLoopbackAddress()).isTrue();
    }

    @Test
    void aHostThatDoesNotResolveIsRefused() {
        Targets t = scripted(Map.of(), Map.of());
        assertThatThrownBy(() -> t.checkAtRegistration("https://no-such-host.invalid/hook"))
                .isInstanceOfSatisfying(ApiProblem.class, p -> {
                    assertThat(p.code()).isEqualTo("invalid_webhook_url");
                    assertThat(p.getMessage()).contains("does not resolve");
                });
        assertThatThrownBy(() -> t.resolveForSend(URI.create("https://no-such-host.invalid/hook")))
                .isInstanceOf(TargetRefused.class).hasMessageContaining("does not resolve");
    }

    @Test
    void aHostWithAnyNonPublicAddressIsRefused() {
        Targets t = scripted(Map.of("mixed.example.com", List.of("93.184.216.34", "192.168.1.10"),
                "mixed6.example.com", List.of("2606:4700:4700::1111", "fd00::5"),
                "public.example.com", List.of("93.184.216.34", "2606:4700:4700::1111")), Map.of());
        assertThatThrownBy(() -> t.checkAtRegistration("https://mixed.example.com/")).isInstanceOf(ApiProblem.class);
        assertThatThrownBy(() -> t.checkAtRegistration("https://mixed6.example.com/")).isInstanceOf(ApiProblem.class);
        assertThatThrownBy(() -> t.resolveForSend(URI.create("https://mixed.example.com/")))
                .isInstanceOf(TargetRefused.class);
        assertThatCode(() -> t.checkAtRegistration("https://public.example.com/")).doesNotThrowAnyException();
    }

    @Test
    void dnsRebindingBetweenRegistrationAndSendIsCaughtAtSendAndTheJudgedAddressIsPinned() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        Targets t = scripted(Map.of("rebind.example.com", List.of("93.184.216.34")),
                Map.of("rebind.example.com", List.of("169.254.169.254")), lookups);
        t.checkAtRegistration("https://rebind.example.com/hook");
        assertThat(lookups).hasValue(1);
        assertThatThrownBy(() -> t.resolveForSend(URI.create("https://rebind.example.com/hook")))
                .isInstanceOf(TargetRefused.class).hasMessageContaining("metadata")
                .hasMessageNotContaining("169.254.169.254");
        assertThat(lookups).as("the send looked the name up again").hasValue(2);

        Targets stable = scripted(Map.of("hooks.example.com", List.of("93.184.216.34", "93.184.216.35")), Map.of());
        assertThat(stable.resolveForSend(URI.create("https://hooks.example.com/x")))
                .isEqualTo(InetAddress.getByName("93.184.216.34"));
    }

    @Test
    void theMappingsDefaults() {
        WebhooksConfig c = config(Map.of());
        assertThat(c.allowHttp()).isFalse();
        assertThat(c.allowedHosts()).isEmpty();
        assertThat(c.timeout()).hasSeconds(10);
        assertThat(c.maxConcurrencyPerEndpoint()).isEqualTo(16);
        assertThat(c.maxConcurrency()).isEqualTo(256);
        assertThat(c.batchMax()).isEqualTo(500);
        assertThat(c.disableAfter()).hasDays(3);
        assertThat(c.retention()).hasDays(7);
        assertThat(c.secretKey()).isEmpty();
    }

    static Targets scripted(Map<String, List<String>> first, Map<String, List<String>> later) {
        return scripted(first, later, new AtomicInteger());
    }

    /**
     * A resolver that answers {@code first} on a name's first lookup and {@code later} (when given) on the next ones;
     * address literals are parsed, any other name does not resolve.
     */
    static Targets scripted(Map<String, List<String>> first, Map<String, List<String>> later, AtomicInteger lookups) {
        Map<String, Integer> seen = new HashMap<>();
        return new Targets(config(Map.of("callauth.webhooks.allow-http", "true")), host -> {
            lookups.incrementAndGet();
            int n = seen.merge(host, 1, Integer::sum);
            List<String> answer = n > 1 && later.containsKey(host) ? later.get(host) : first.get(host);
            if (answer == null) {
                throw new UnknownHostException(host);
            }
            InetAddress[] out = new InetAddress[answer.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = InetAddress.getByName(answer.get(i)); // literals: no lookup
            }
            return out;
        });
    }

    @Test
    void onlyAnAddressLiteralIsJudgedWithoutALookup() {
        assertThat(Targets.isAddressLiteral("203.0.113.7")).isTrue();
        assertThat(Targets.isAddressLiteral("2001:db8::1")).isTrue();
        assertThat(Targets.isAddressLiteral("[2001:db8::1]")).isTrue();
        assertThat(Targets.isAddressLiteral("hooks.example.com")).isFalse();
        assertThat(Targets.isAddressLiteral("1.2.3.example.com")).isFalse();
        assertThat(Targets.isAddressLiteral("203.0.113.7.nip.io")).isFalse();
        assertThat(Targets.isAddressLiteral("")).isFalse();
        assertThat(Targets.isAddressLiteral(null)).isFalse();
    }
}
