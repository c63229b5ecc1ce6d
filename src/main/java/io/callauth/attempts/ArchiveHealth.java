package io.callauth.attempts;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * The attempt archive in readiness: always UP (verifications go on while PostgreSQL is down, their records wait in
 * Redis), with a plain-words warning when the archive cannot be reached or is behind. Reads what the ingester last
 * measured; costs no query.
 */
@Readiness
@ApplicationScoped
public class ArchiveHealth implements HealthCheck {

    private final AttemptIngester ingester;
    private final AttemptsConfig config;

    public ArchiveHealth(AttemptIngester ingester, AttemptsConfig config) {
        this.ingester = ingester;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        AttemptIngester.Status s = ingester.status();
        HealthCheckResponseBuilder b = HealthCheckResponse.named("attempt-archive").up()
                .withData("backlog", s.backlog())
                .withData("lagSeconds", s.lagSeconds())
                .withData("buffered", s.buffered() + " of " + config.bufferMax());
        String warning = null;
        if (!s.archiveReachable()) {
            warning = "PostgreSQL cannot be reached (" + (s.lastError() == null ? "no detail" : s.lastError())
                    + "); records wait in Redis and are archived when it is back";
        } else if (s.backlog() >= config.ingest().warnBacklog()) {
            warning = "the archive is " + s.lagSeconds() + " s behind";
        }
        if (s.buffered() >= (long) (config.bufferMax() * config.ingest().alertRatio())) {
            warning = (warning == null ? "" : warning + "; ") + "the Redis buffer is nearly full: past "
                    + config.bufferMax() + " records the oldest are dropped";
        }
        b.withData("warning", warning == null ? "none" : warning);
        return b.build();
    }
}
