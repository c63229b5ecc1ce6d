package io.callauth.background;

import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.ScheduledExecution;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Set;

/**
 * This replica's roles, and whether its background jobs run. A job runs on a {@code worker} replica where jobs are
 * switched on at all ({@code quarkus.scheduler.enabled}: the tests switch them off and drive rounds themselves).
 */
@Singleton
public class ReplicaRoles {

    private final boolean api;
    private final boolean worker;
    private final boolean jobs;

    /**
     * {@code callauth.roles}: {@code api}, {@code worker} or both (the default). A small deployment runs both in one
     * process; a large one runs an {@code api} Deployment and a {@code worker} Deployment of the same image, so that
     * background bursts never reach the API's latency. (A property, not a mapping: a mapping's prefix would be the
     * whole {@code callauth} root.)
     */
    public ReplicaRoles(@ConfigProperty(name = "callauth.roles", defaultValue = "api,worker") Set<Role> roles,
                        @ConfigProperty(name = "quarkus.scheduler.enabled", defaultValue = "true") boolean jobs) {
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("callauth.roles is empty: give api, worker or both");
        }
        this.api = roles.contains(Role.API);
        this.worker = roles.contains(Role.WORKER);
        this.jobs = jobs;
    }

    public boolean api() {
        return api;
    }

    public boolean worker() {
        return worker;
    }

    /** whether this replica runs its background jobs now: a worker, with jobs on */
    public boolean runsJobs() {
        return worker && jobs;
    }

    /**
     * For {@code @Scheduled(skipExecutionIf = ReplicaRoles.NotAWorker.class)}: a job skips its rounds on a replica
     * that is not a worker, and while the application is not running (starting or stopping).
     */
    @Singleton
    public static class NotAWorker implements Scheduled.SkipPredicate {
        private final ReplicaRoles roles;
        private final Scheduled.ApplicationNotRunning notRunning;

        public NotAWorker(ReplicaRoles roles, Scheduled.ApplicationNotRunning notRunning) {
            this.roles = roles;
            this.notRunning = notRunning;
        }

        @Override
        public boolean test(ScheduledExecution execution) {
            return !roles.worker() || notRunning.test(execution);
        }
    }
}
