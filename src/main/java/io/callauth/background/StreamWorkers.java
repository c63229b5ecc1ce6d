package io.callauth.background;

import io.callauth.attempts.AttemptLog;
import io.callauth.attempts.StreamHold;
import io.callauth.common.Ids;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Runs every {@link StreamJob} on this replica: on a worker replica ({@link ReplicaRoles#runsJobs()}), each enabled
 * job gets a loop of its own (rounds {@link StreamJob#tick()} apart, from the end of one to the start of the next, so
 * never two at once) whose round runs the job's consumers side by side; and one loop trims the stream once a second
 * behind every job's group. Tests, with jobs off, drive rounds through {@link #runner}.
 */
@ApplicationScoped
public class StreamWorkers {

    private static final Logger LOG = Logger.getLogger(StreamWorkers.class);
    /** the first round, after the start (the replica serves first) */
    private static final Duration FIRST_ROUND = Duration.ofSeconds(2);
    private static final Duration TRIM_EVERY = Duration.ofSeconds(1);

    private final RedisDataSource redis;
    private final AttemptLog log;
    private final ReplicaRoles roles;
    private final Instance<StreamJob> jobs;
    private final Instance<StreamHold> holds;
    private final Map<String, Runner> runners = new ConcurrentHashMap<>();
    private final List<ScheduledExecutorService> loops = new ArrayList<>();

    public StreamWorkers(RedisDataSource redis, AttemptLog log, ReplicaRoles roles, Instance<StreamJob> jobs,
                         Instance<StreamHold> holds) {
        this.redis = redis;
        this.log = log;
        this.roles = roles;
        this.jobs = jobs;
        this.holds = holds;
    }

    /** this replica's consumers of a job (made once) */
    public Runner runner(StreamJob job) {
        return runners.computeIfAbsent(job.group(), g -> new Runner(job));
    }

    /** a consumer of a job's group under another name, over every shard (tests run several in one process) */
    public StreamConsumer consumer(StreamJob job, String name, Duration claimIdle) {
        return new StreamConsumer(redis, log, job, name, claimIdle, 0, 1);
    }

    /** Trims the stream behind every job's group and the holds, then lets each job update its figures. */
    public void trim() {
        List<String> groups = jobs.stream().map(StreamJob::group).distinct().toList();
        AttemptStream.trim(redis, log.shards(), groups, holds);
        jobs.forEach(StreamJob::afterTrim);
    }

    void start(@Observes StartupEvent event) {
        if (!roles.runsJobs()) {
            return;
        }
        for (StreamJob job : jobs) {
            if (!job.enabled()) {
                continue;
            }
            Runner r = runner(job);
            ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(daemon(job.group() + "-loop"));
            loop.scheduleWithFixedDelay(() -> round(r), FIRST_ROUND.toMillis(),
                    Math.max(1, job.tick().toMillis()), TimeUnit.MILLISECONDS);
            loops.add(loop);
        }
        ScheduledExecutorService trimmer = Executors.newSingleThreadScheduledExecutor(daemon("attempt-stream-trim"));
        trimmer.scheduleWithFixedDelay(this::safeTrim, FIRST_ROUND.toMillis(), TRIM_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
        loops.add(trimmer);
    }

    void stop(@Observes ShutdownEvent event) {
        loops.forEach(ScheduledExecutorService::shutdownNow);
        loops.clear();
        runners.values().forEach(Runner::close);
    }

    private static void round(Runner r) {
        try {
            r.round();
            r.job.afterRound();
        } catch (RuntimeException | Error e) {
            // a scheduled executor runs nothing more after a task that threw: log it and go on with the next round
            LOG.errorf(e, "%s round failed", r.job.group());
        }
    }

    private void safeTrim() {
        try {
            trim();
        } catch (RuntimeException e) {
            LOG.debugf("attempt stream not trimmed this time: %s", e.toString());
        }
    }

    static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private static String replicaName() {
        String host = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("replica");
        return host + "-" + ProcessHandle.current().pid() + "-" + Ids.random("", 3);
    }

    /**
     * A job's consumers on this replica: each owns the shards s with s % workers == its index, so that one
     * verification's records (one shard) are handled in order by one of them, while they work side by side.
     */
    public final class Runner {
        private final StreamJob job;
        private final List<StreamConsumer> own;
        private final ExecutorService workers;

        Runner(StreamJob job) {
            this.job = job;
            int n = Math.max(1, job.workers());
            String base = replicaName();
            List<StreamConsumer> consumers = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                consumers.add(new StreamConsumer(redis, log, job, n == 1 ? base : base + "-w" + k, job.claimIdle(),
                        k, n));
            }
            this.own = List.copyOf(consumers);
            this.workers = n == 1 ? null : Executors.newFixedThreadPool(n, daemon(job.group() + "-worker"));
        }

        /** One round of this replica's consumers, side by side; failed when any failed. */
        public StreamConsumer.Round round() {
            if (workers == null) {
                return own.get(0).run();
            }
            List<Future<StreamConsumer.Round>> futures = new ArrayList<>();
            for (StreamConsumer c : own) {
                futures.add(workers.submit(c::run));
            }
            List<StreamConsumer.Round> rounds = new ArrayList<>();
            for (Future<StreamConsumer.Round> f : futures) {
                try {
                    rounds.add(f.get());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    rounds.add(new StreamConsumer.Round(0, 0, 0, 0, true));
                } catch (ExecutionException e) {
                    job.failed(e.getCause() instanceof Exception x ? x : new RuntimeException(e.getCause()));
                    rounds.add(new StreamConsumer.Round(0, 0, 0, 0, true));
                }
            }
            return StreamConsumer.Round.sum(rounds);
        }

        void close() {
            if (workers != null) {
                workers.shutdownNow();
            }
        }
    }
}
