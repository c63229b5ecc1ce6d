package io.callauth.attempts;

import io.callauth.background.AttemptStream;
import io.callauth.background.ReplicaRoles;
import io.callauth.background.StreamConsumer;
import io.callauth.background.StreamEntry;
import io.callauth.background.StreamJob;
import io.callauth.background.StreamWorkers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Moves the attempt log from the Redis Stream into PostgreSQL: the archive's {@link StreamJob}, run by the background
 * seam ({@link StreamWorkers}) on worker replicas through the consumer group {@value #GROUP}. A batch is one
 * transaction whose commit does not wait for the disk ({@link ArchiveWriter#storeUnflushed}); the seam acknowledges
 * its entries only after {@link #flush()} made them durable. The stream id (qualified by its shard past shard 0) is
 * the record's primary key, so a batch stored twice (a redelivery, a claim racing a slow consumer) adds nothing the
 * second time. None lost, none twice. Also: the archive's upkeep (partitions ahead, retention) every ten minutes after
 * a round, and the backlog figures and the buffer alert after each trim of the stream.
 */
@ApplicationScoped
public class AttemptIngester implements StreamJob {

    public static final String GROUP = "archive";
    private static final Logger LOG = Logger.getLogger(AttemptIngester.class);
    private static final Duration MAINTENANCE_EVERY = Duration.ofMinutes(10);

    private final RedisDataSource redis;
    private final ArchiveWriter writer;
    private final ArchivePartitions partitions;
    private final AttemptLog log;
    private final AttemptsConfig config;
    private final Clock clock;
    private final StreamWorkers seam;
    private final Counter archived;
    private final Counter failures;
    private final Counter tooOld;
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong lagMillis = new AtomicLong();
    private final AtomicLong buffered = new AtomicLong();
    private final AtomicReference<String> lastError = new AtomicReference<>();
    private volatile boolean archiveDown;
    private volatile boolean bufferAlert;
    private volatile long nextMaintenance;

    public AttemptIngester(RedisDataSource redis, ArchiveWriter writer, ArchivePartitions partitions, AttemptLog log,
                           AttemptsConfig config, Clock clock, StreamWorkers seam, MeterRegistry registry) {
        this.redis = redis;
        this.writer = writer;
        this.partitions = partitions;
        this.log = log;
        this.config = config;
        this.clock = clock;
        this.seam = seam;
        this.archived = Counter.builder("callauth.attempts.archived")
                .description("attempt records written to the PostgreSQL archive").register(registry);
        this.failures = Counter.builder("callauth.attempts.ingest.failures")
                .description("ingest batches that failed (PostgreSQL unreachable or refusing); they are retried")
                .register(registry);
        this.tooOld = Counter.builder("callauth.attempts.expired.unarchived")
                .description("records that reached the archive only after their retention had passed (not kept)")
                .register(registry);
        Gauge.builder("callauth.attempts.backlog", backlog, AtomicLong::get)
                .description("records in the Redis Stream not yet archived in PostgreSQL").register(registry);
        Gauge.builder("callauth.attempts.lag.seconds", lagMillis, v -> v.get() / 1000.0)
                .description("age of the oldest record not yet archived in PostgreSQL").register(registry);
        Gauge.builder("callauth.attempts.buffered", buffered, AtomicLong::get)
                .description("entries in the attempt stream (bounded by callauth.attempts.buffer-max)").register(registry);
    }

    // ---- the job, as the seam runs it

    @Override
    public String group() {
        return GROUP;
    }

    @Override
    public boolean enabled() {
        return config.ingest().enabled();
    }

    @Override
    public int workers() {
        return config.ingest().workers();
    }

    @Override
    public int batchSize() {
        return config.ingest().batchSize();
    }

    @Override
    public Duration claimIdle() {
        return config.ingest().claimIdle();
    }

    @Override
    public Duration tick() {
        return config.ingest().tick();
    }

    @Override
    public Done handle(List<StreamEntry> batch) throws SQLException {
        ArchiveWriter.Stored st = writer.storeUnflushed(batch.stream()
                .map(e -> new AttemptLog.Entry(e.archiveId(), e.record())).toList());
        archived.increment(st.inserted());
        tooOld.increment(st.tooOld());
        return new Done(st.inserted(), st.duplicates());
    }

    @Override
    public void flush() throws SQLException {
        writer.flush();
    }

    @Override
    public void succeeded() {
        recovered();
    }

    @Override
    public void afterRound() {
        try {
            if (clock.millis() >= nextMaintenance) {
                partitions.createAhead();
                partitions.enforceRetention();
                nextMaintenance = clock.millis() + MAINTENANCE_EVERY.toMillis();
            }
        } catch (RuntimeException | SQLException e) {
            failed(e);
        }
    }

    @Override
    public void afterTrim() {
        measure();
    }

    // ---- for tests and diagnostics: rounds driven by hand

    /** One round of this replica's consumers, then one trim of every shard. */
    public Run runOwn() {
        Run r = Run.of(seam.runner(this).round());
        if (!r.failed()) {
            trim();
        } else {
            measure();
        }
        return r;
    }

    /** a consumer of the group under another name, over every shard (tests run several in one process) */
    public Consumer consumer(String name, Duration claimIdle) {
        return new Consumer(seam.consumer(this, name, claimIdle), this);
    }

    /** trims the stream behind every reader, and measures the backlog */
    public void trim() {
        seam.trim();
    }

    /** what one run of a consumer did */
    public record Run(int read, int inserted, int duplicates, int claimed, boolean failed) {
        static Run of(StreamConsumer.Round r) {
            return new Run(r.read(), r.written(), r.duplicates(), r.claimed(), r.failed());
        }
    }

    /** one consumer of the group, driven by hand: a round, then (when it succeeded) the trim */
    public static final class Consumer {
        private final StreamConsumer consumer;
        private final AttemptIngester ingester;

        Consumer(StreamConsumer consumer, AttemptIngester ingester) {
            this.consumer = consumer;
            this.ingester = ingester;
        }

        public String name() {
            return consumer.name();
        }

        public Run run() {
            Run r = Run.of(consumer.run());
            if (!r.failed()) {
                ingester.trim();
            }
            return r;
        }
    }

    /** what readiness and the metrics show */
    public record Status(boolean archiveReachable, long backlog, long lagSeconds, long buffered, String lastError) {
    }

    public Status status() {
        return new Status(!archiveDown, backlog.get(), lagMillis.get() / 1000, buffered.get(), lastError.get());
    }

    /**
     * Backlog, lag, buffer size, and the alert when the buffer nears buffer-max: a handful of O(1) commands per shard
     * (the backlog is the group's pending count plus Redis 7's {@code lag}; on Redis 6, which has no lag, the stream
     * length stands in as an upper bound). Backlog and buffer are summed over the shards; the lag is the oldest
     * shard's.
     */
    private void measure() {
        try {
            long len = 0;
            long backlogSum = 0;
            long oldestLag = 0;
            for (int s = 0; s < log.shards(); s++) {
                String key = AttemptLog.stream(s);
                long shardLen = redis.execute("XLEN", key).toLong();
                len += shardLen;
                Optional<AttemptStream.GroupInfo> group = AttemptStream.group(redis, s, GROUP);
                long pending = group.map(AttemptStream.GroupInfo::pending).orElse(0L);
                Long undelivered = group.map(AttemptStream.GroupInfo::lag).orElse(null);
                long lag = 0;
                if (group.isPresent()) {
                    Optional<String> floor = AttemptStream.ackFloor(redis, s, GROUP);
                    Response first = floor.isEmpty() ? null
                            : redis.execute("XRANGE", key, floor.get(), "+", "COUNT", "1");
                    if (first != null && first.size() > 0) {
                        lag = Math.max(0, clock.millis() - AttemptLog.millisOf(first.get(0).get(0).toString()));
                    }
                }
                backlogSum += lag == 0 ? pending : pending + (undelivered != null ? undelivered : shardLen);
                oldestLag = Math.max(oldestLag, lag);
            }
            buffered.set(len);
            backlog.set(backlogSum);
            lagMillis.set(oldestLag);
            boolean full = len >= (long) (config.bufferMax() * config.ingest().alertRatio());
            if (full && !bufferAlert) {
                LOG.errorf("ALERT attempt buffer is %d of %d records (callauth.attempts.buffer-max): the archive is "
                        + "not keeping up or PostgreSQL is down; past the maximum the oldest records are dropped",
                        len, config.bufferMax());
            } else if (!full && bufferAlert) {
                LOG.infof("attempt buffer back to %d records", len);
            }
            bufferAlert = full;
        } catch (RuntimeException e) {
            LOG.debugf("attempt backlog not measured: %s", e.toString());
        }
    }

    @Override
    public void failed(Exception e) {
        failures.increment();
        if (!fromArchive(e)) {
            // Redis itself (a failover, an outage): readiness and StorageOutage say so; the archive is not down
            LOG.debugf("attempt ingest round failed on Redis, retried next tick: %s", e.toString());
            return;
        }
        lastError.set(plain(e));
        if (!archiveDown) {
            archiveDown = true;
            LOG.warnf("attempt archive unavailable, records wait in Redis and are archived when it is back: %s",
                    plain(e));
        } else {
            LOG.debugf("attempt archive still unavailable: %s", plain(e));
        }
    }

    private void recovered() {
        if (archiveDown) {
            archiveDown = false;
            lastError.set(null);
            LOG.info("attempt archive reachable again, archiving the records that waited");
        }
    }

    /** whether a failure came from PostgreSQL (JDBC, the pool, Flyway) rather than from Redis */
    static boolean fromArchive(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String n = t.getClass().getName();
            if (t instanceof SQLException || n.startsWith("org.flywaydb.") || n.startsWith("org.postgresql.")
                    || n.startsWith("io.agroal.")) {
                return true;
            }
        }
        return false;
    }

    /** a failure in plain words: no class names, no stack */
    static String plain(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? "" : t.getMessage();
        if (m.contains("Connection refused") || m.contains("connection attempt failed")
                || t instanceof java.net.ConnectException) {
            return "PostgreSQL cannot be reached";
        }
        m = m.replaceAll("\\s+", " ");
        return m.length() > 200 ? m.substring(0, 200) : m;
    }
}
