package io.callauth.webhooks;

import io.callauth.common.ApiProblem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where a webhook may be sent (server-side request forgery). At registration ({@link #checkAtRegistration}) a URL
 * must be absolute {@code https} ({@code http} too with {@code callauth.webhooks.allow-http}), without user-info, and
 * its host must resolve, every address of it to a public one: no loopback, private, shared (CGNAT), link-local,
 * unspecified, multicast, reserved or cloud metadata address, in IPv4, IPv6 or an IPv6 form carrying an IPv4 one.
 * At send time ({@link #resolveForSend}) the host is resolved and judged again, since its DNS answer may have changed
 * (DNS rebinding), and the sender connects to the address judged, not to a new lookup. A host written in the URL
 * exactly as listed in {@code callauth.webhooks.allowed-hosts} is exempt from the address rules.
 *
 * <p>Both methods resolve host names with the JDK's resolver, which blocks: call them from a worker thread, never an
 * event loop.
 */
@ApplicationScoped
public class Targets {

    /** longest URL accepted */
    static final int MAX_URL_LENGTH = 2048;

    /** a host name lookup; the JDK's in production, a scripted one in tests (DNS rebinding) */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final WebhooksConfig config;
    private final Set<String> allowedHosts;
    private final Resolver resolver;

    @Inject
    public Targets(WebhooksConfig config) {
        this(config, InetAddress::getAllByName);
    }

    Targets(WebhooksConfig config, Resolver resolver) {
        this.config = config;
        this.allowedHosts = config.allowedHosts().orElse(Set.of()).stream()
                .map(String::trim).filter(h -> !h.isEmpty()).map(Targets::normalise)
                .collect(Collectors.toUnmodifiableSet());
        this.resolver = resolver;
    }

    /**
     * Checks a URL given to register (or change) an endpoint.
     *
     * @throws ApiProblem 400 {@code invalid_webhook_url}, saying what is wrong
     */
    public void checkAtRegistration(String url) {
        try {
            judge(parse(url));
        } catch (TargetRefused e) {
            throw ApiProblem.invalidWebhookUrl(e.getMessage());
        }
    }

    /**
     * Resolves an endpoint's host for one try and judges the answer again: the address to connect to (pin it: a
     * second lookup by the HTTP client could answer something else), keeping the URL's host for the {@code Host}
     * header, TLS's SNI and the certificate check.
     *
     * @throws TargetRefused when the URL no longer passes, the host does not resolve, or any address it resolves to is
     *                       one webhooks are not sent to
     */
    public InetAddress resolveForSend(URI url) {
        return judge(url);
    }

    private static URI parse(String url) {
        if (url == null || url.isBlank()) {
            throw new TargetRefused("the webhook URL is missing");
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw new TargetRefused("the webhook URL is longer than " + MAX_URL_LENGTH + " characters");
        }
        try {
            return new URI(url);
        } catch (URISyntaxException e) {
            throw new TargetRefused("the webhook URL is not a valid URL: " + e.getReason());
        }
    }

    /** the URL's own rules: scheme, user-info, a host */
    private void checkShape(URI uri) {
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.isOpaque() || !("https".equals(scheme) || "http".equals(scheme))) {
            throw new TargetRefused("the webhook URL must be an absolute https URL");
        }
        if ("http".equals(scheme) && !config.allowHttp()) {
            throw new TargetRefused("the webhook URL must use https (http is not accepted here)");
        }
        if (uri.getRawUserInfo() != null || (uri.getRawAuthority() != null && uri.getRawAuthority().contains("@"))) {
            throw new TargetRefused("the webhook URL may not carry a user name or password");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new TargetRefused("the webhook URL has no host (or one with characters a host name cannot have)");
        }
    }

    /** the URL's rules, then its host's addresses: the first one, to connect to */
    private InetAddress judge(URI uri) {
        checkShape(uri);
        String host = normalise(uri.getHost());
        boolean exempt = allowedHosts.contains(host);
        if (!exempt && Addresses.METADATA_HOSTS.contains(stripDot(host))) {
            throw new TargetRefused("the webhook URL's host " + host + " is a cloud metadata service");
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException | SecurityException e) {
            throw new TargetRefused("the webhook URL's host " + host + " does not resolve");
        }
        if (addresses == null || addresses.length == 0) {
            throw new TargetRefused("the webhook URL's host " + host + " does not resolve");
        }
        if (!exempt) {
            for (InetAddress address : addresses) {
                Optional<String> refusal = Addresses.refusal(address);
                if (refusal.isPresent()) {
                    throw new TargetRefused("the webhook URL's host " + host + " is or resolves to " + refusal.get()
                            + ": webhooks go to public addresses only");
                }
            }
        }
        return addresses[0];
    }

    /**
     * Whether a URL's host is an address literal (IPv4 dotted quad, or an IPv6 literal, bracketed or not): judging it
     * needs no lookup, so it never blocks.
     */
    static boolean isAddressLiteral(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        return host.indexOf(':') >= 0 || IPV4.matcher(host).matches();
    }

    private static final java.util.regex.Pattern IPV4 =
            java.util.regex.Pattern.compile("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

    /** a host as compared with the allowed list: lower case, an IPv6 literal without its brackets */
    static String normalise(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h;
    }

    private static String stripDot(String host) {
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }
}
