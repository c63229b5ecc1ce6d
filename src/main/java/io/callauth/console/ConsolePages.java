package io.callauth.console;

import io.callauth.common.ApiProblem;
import io.callauth.provider.ProvidersConfig;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.NewCookie;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * What every console page shares: the signed-in session the filter found, the data of the base layout (the user,
 * the navigation, the sandbox's seed button) and the console's cookies.
 */
@ApplicationScoped
public class ConsolePages {

    /** how long a page waits for Redis (sessions, rules, call records) */
    static final Duration AWAIT = Duration.ofSeconds(10);
    private static final DateTimeFormatter LOCAL_MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm");

    /** the header's navigation, in order: a new page adds its tab here */
    static final List<NavLink> NAV = List.of(
            new NavLink("overview", "/console", "Overview"),
            new NavLink("attempts", "/console/attempts", "Attempts"),
            new NavLink("rules", "/console/rules", "Rules"),
            new NavLink("defence", "/console/defence", "Defence"),
            new NavLink("webhooks", "/console/webhooks", "Webhooks"),
            new NavLink("routing", "/console/routing", "Routing"));

    private final ProvidersConfig providers;
    private final ConsoleConfig config;
    private final Clock clock;

    public ConsolePages(ProvidersConfig providers, ConsoleConfig config, Clock clock) {
        this.providers = providers;
        this.config = config;
        this.clock = clock;
    }

    /** a page of the base layout, its navigation tab {@code nav} marked */
    TemplateInstance page(Template t, ConsoleSession s, String nav) {
        return t.data("s", s).data("nav", nav).data("navLinks", NAV).data("sandbox", sandbox())
                .data("blockExpires", blockExpires());
    }

    /** the expiry a one-click block proposes ({@code callauth.console.block-expiry} from now), for a datetime-local field */
    String blockExpires() {
        return OverviewWindow.local(clock.instant().plus(config.blockExpiry()));
    }

    /** seeding is offered only when the sandbox provider is configured */
    boolean sandbox() {
        return providers.chain().map(c -> c.contains("sandbox")).orElse(false);
    }

    /** an HttpOnly, SameSite=Strict cookie (Secure unless configured off) */
    NewCookie cookie(String name, String value, String path, int maxAge) {
        return new NewCookie.Builder(name).value(value).path(path).maxAge(maxAge).httpOnly(true)
                .secure(config.secureCookie()).sameSite(NewCookie.SameSite.STRICT).build();
    }

    /** the session {@link ConsoleFilter} found for this request (and, for a POST, checked the CSRF token against) */
    static ConsoleSession session(ContainerRequestContext ctx) {
        Object s = ctx.getProperty(ConsoleFilter.SESSION);
        if (s instanceof ConsoleSession cs) {
            return cs;
        }
        // the filter lets no request without a session reach a console route; this is its second line
        throw ApiProblem.unauthorized("sign in to the console first");
    }

    /** "2026-12-01T10:00" (a datetime-local field, UTC) or an ISO instant → an ISO instant */
    static String instant(String v) {
        try {
            return LocalDateTime.parse(v, LOCAL_MINUTES).toInstant(ZoneOffset.UTC).toString();
        } catch (RuntimeException e) {
            return v;
        }
    }
}
