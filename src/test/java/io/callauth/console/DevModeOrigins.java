package io.callauth.console;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Dev mode's origin rule, in every {@code @QuarkusTest}. In dev mode ({@code ./mvnw quarkus:dev}) Quarkus puts the
 * Dev UI's CORS filter in front of every route: a request whose {@code Origin} is neither {@code localhost} nor
 * {@code 127.0.0.1} gets a bare {@code 403 CORS Rejected - Invalid origin}, and {@code Origin: null} (what a browser
 * sends with a form post from a page whose referrer policy is {@code no-referrer}) is not a local origin. The test
 * profile has no such filter, so the console could pass every browser test and still refuse its sign-in in dev mode.
 * This route applies the same rule first, so that the browser tests sign in, post forms and sign out as they would
 * under dev mode. A request without {@code Origin} (curl, REST Assured, a same-origin GET) passes, as it does there.
 */
@ApplicationScoped
public class DevModeOrigins {

    static final int ORDER = -1_000;

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(rc -> {
            String origin = rc.request().getHeader("Origin");
            if (origin == null || isLocal(origin)) {
                rc.next();
                return;
            }
            rc.response().setStatusCode(403).setStatusMessage("CORS Rejected - Invalid origin").end();
        });
    }

    static boolean isLocal(String origin) {
        return origin.startsWith("http://localhost") || origin.startsWith("https://localhost")
                || origin.startsWith("http://127.0.0.1") || origin.startsWith("https://127.0.0.1");
    }
}
