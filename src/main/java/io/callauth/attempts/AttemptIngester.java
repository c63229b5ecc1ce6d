package io.callauth.attempts;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.scheduler.Scheduled;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Moves the attempt log from the Redis Stream into PostgreSQL. Every replica runs one consumer of one consumer group
 * ({@value #GROUP}); each tick it
 * <ol>
 *   <li>re-reads what it holds unacknowledged (a batch whose transaction failed, e.g. while PostgreSQL was down),</li>
 *   <li>claims entries that another consumer has held longer than {@code claim-idle} (a replica that died),</li>
 *   <li>reads new entries in batches until the stream is drained or the tick's time is used,</li>
 *   <li>trims the stream behind what every consumer acknowledged (and the other readers still need).</li>
 * </ol>
 * A batch is one transaction ({@link AttemptArchive#store}) and is acknowledged only after its commit; the stream id
 * is the record's primary key, so a batch stored twice (a redelivery, a claim racing a slow consumer) adds nothing
 * the second time. None lost, none twice. Blocking work on the scheduler's worker thread, never the event loop.
 */
@ApplicationScoped
public class AttemptIngester {

    public static final String GROUP = "archive";
    private static final Logger LOG = Logger.getLogger(AttemptIngester.class);
    /** how long one tick may keep draining before it lets the next tick start */
    private static final Duration TICK_BUDGET = Duration.ofSeconds(5);
    private static final Duration MAINTENANCE_EVERY = Duration.ofMinutes(10);

    private final RedisDataSource redis;
    private final AttemptArchive archive;
    private final AttemptsConfig config;
    private final Clock clock;
    private final Instance<StreamHold> holds;
    private final Consumer own;
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

    public AttemptIngester(RedisDataSource redis, AttemptArchive archive, AttemptsConfig config, Clock clock,
                           Instance<StreamHold> holds, MeterRegistry registry) {
        this.redis = redis;
        this.archive = archive;
        this.config = config;
        this.clock = clock;
        this.holds = holds;
        this.own = consumer(consumerName(), config.ingest().claimIdle());
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

    private static String consumerName() {
        String host = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("replica");
        return host + "-" + ProcessHandle.current().pid() + "-" + io.callauth.common.Ids.random("", 3);
    }

    /** this replica's consumer */
    public Consumer own() {
        return own;
    }

    /** a consumer of the group under another name (tests run several in one process) */
    public Consumer consumer(String name, Duration claimIdle) {
        return new Consumer(name, claimIdle);
    }

    @Scheduled(every = "${callauth.attempts.ingest.tick:1S}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void tick() {
        if (!config.ingest().enabled()) {
            return;
        }
        try {
            own.run();
            if (clock.millis() >= nextMaintenance) {
                archive.createAhead();
                archive.enforceRetention();
                nextMaintenance = clock.millis() + MAINTENANCE_EVERY.toMillis();
            }
        } catch (RuntimeException | SQLException e) {
            failed(e);
        }
    }

    /** what one run of a consumer did */
    public record Run(int read, int inserted, int duplicates, int claimed, boolean failed) {
    }

    /** what readiness and the metrics show */
    public record Status(boolean archiveReachable, long backlog, long lagSeconds, long buffered, String lastError) {
    }

    public Status status() {
        return new Status(!archiveDown, backlog.get(), lagMillis.get() / 1000, buffered.get(), lastError.get());
    }

    /** One consumer of the group: its name and how long others' entries must sit before it claims them. */
    public final class Consumer {
        private final String name;
        private final Duration claimIdle;

        Consumer(String name, Duration claimIdle) {
            this.name = name;
            this.claimIdle = claimIdle;
        }

        public String name() {
            return name;
        }

        /** One round: own pending, claims, new entries, trim. Stops at the first failed batch (retried next time). */
        public Run run() {
            ensureGroup();
            long deadline = System.nanoTime() + TICK_BUDGET.toNanos();
            int read = 0, inserted = 0, duplicates = 0, claimed = 0;
            try {
                // 1. what this consumer holds: a batch whose transaction failed last time
                List<AttemptLog.Entry> mine = read("0");
                if (!mine.isEmpty()) {
                    AttemptArchive.Stored s = store(mine);
                    read += mine.size();
                    inserted += s.inserted();
                    duplicates += s.duplicates();
                }
                // 2. what a dead consumer holds
                List<AttemptLog.Entry> orphans = claim();
                if (!orphans.isEmpty()) {
                    AttemptArchive.Stored s = store(orphans);
                    claimed += orphans.size();
                    read += orphans.size();
                    inserted += s.inserted();
                    duplicates += s.duplicates();
                }
                // 3. new entries, batch after batch
                while (System.nanoTime() < deadline) {
                    List<AttemptLog.Entry> batch = read(">");
                    if (batch.isEmpty()) {
                        break;
                    }
                    AttemptArchive.Stored s = store(batch);
                    read += batch.size();
                    inserted += s.inserted();
                    duplicates += s.duplicates();
                    if (batch.size() < config.ingest().batchSize()) {
                        break;
                    }
                }
                recovered();
            } catch (SQLException | RuntimeException e) {
                failed(e);
                measure();
                return new Run(read, inserted, duplicates, claimed, true);
            }
            trim();
            return new Run(read, inserted, duplicates, claimed, false);
        }

        private List<AttemptLog.Entry> read(String from) {
            Response r = redis.execute("XREADGROUP", "GROUP", GROUP, name, "COUNT",
                    Integer.toString(config.ingest().batchSize()), "STREAMS", AttemptLog.STREAM, from);
            if (r == null || r.size() == 0) {
                return List.of();
            }
            // RESP3: {stream: [[id, [k, v, ...]], ...]}; RESP2: [[stream, [[id, [k, v, ...]], ...]]]
            boolean map = r.type() == io.vertx.redis.client.ResponseType.MULTI && !r.getKeys().isEmpty();
            return AttemptLog.entries(map ? r.get(AttemptLog.STREAM) : r.get(0).get(1));
        }

        private List<AttemptLog.Entry> claim() {
            Response r = redis.execute("XAUTOCLAIM", AttemptLog.STREAM, GROUP, name,
                    Long.toString(claimIdle.toMillis()), "0-0", "COUNT", Integer.toString(config.ingest().batchSize()));
            if (r == null || r.size() < 2) {
                return List.of();
            }
            List<AttemptLog.Entry> entries = AttemptLog.entries(r.get(1));
            if (!entries.isEmpty()) {
                LOG.infof("attempt ingester %s claimed %d records held by a consumer idle for %s or more",
                        name, entries.size(), claimIdle);
            }
            // entries trimmed while pending come back as nil: nothing to store, acknowledge them so they go away
            List<String> gone = new ArrayList<>();
            for (Response e : r.get(1)) {
                if (e != null && e.get(1) == null && e.get(0) != null) {
                    gone.add(e.get(0).toString());
                }
            }
            if (!gone.isEmpty()) {
                ack(gone.stream().toList());
            }
            return entries;
        }

        private AttemptArchive.Stored store(List<AttemptLog.Entry> batch) throws SQLException {
            AttemptArchive.Stored s = archive.store(batch);
            ack(batch.stream().map(AttemptLog.Entry::id).toList());
            archived.increment(s.inserted());
            tooOld.increment(s.tooOld());
            return s;
        }

        private void ack(List<String> ids) {
            List<String> args = new ArrayList<>(ids.size() + 2);
            args.add(AttemptLog.STREAM);
            args.add(GROUP);
            args.addAll(ids);
            redis.execute("XACK", args.toArray(String[]::new));
        }
    }

    private void ensureGroup() {
        try {
            redis.execute("XGROUP", "CREATE", AttemptLog.STREAM, GROUP, "0", "MKSTREAM");
        } catch (RuntimeException e) {
            if (e.getMessage() == null || !e.getMessage().contains("BUSYGROUP")) {
                throw e;
            }
        }
    }

    /**
     * Trims the stream before the oldest entry that is still needed: unacknowledged by the group (pending, or not yet
     * delivered) or wanted by another reader ({@link StreamHold}). Also updates the backlog metrics and the alert.
     */
    public void trim() {
        Optional<String> floor = ackFloor();
        if (floor.isEmpty()) {
            measure();
            return;
        }
        String threshold = floor.get();
        for (StreamHold h : holds) {
            Optional<String> needed = h.oldestNeeded();
            if (needed.isPresent() && AttemptLog.compareIds(needed.get(), threshold) < 0) {
                threshold = needed.get();
            }
        }
        redis.execute("XTRIM", AttemptLog.STREAM, "MINID", threshold);
        measure();
    }

    /** the first id not yet acknowledged by the group (pending or undelivered), or empty if there is no group */
    private Optional<String> ackFloor() {
        String lastDelivered = null;
        long pending = 0;
        Response groups = redis.execute("XINFO", "GROUPS", AttemptLog.STREAM);
        for (Response g : groups) {
            if (GROUP.equals(field(g, "name"))) {
                lastDelivered = field(g, "last-delivered-id");
                pending = Long.parseLong(field(g, "pending"));
            }
        }
        if (lastDelivered == null) {
            return Optional.empty();
        }
        String floor = AttemptLog.next(lastDelivered);
        if (pending > 0) {
            Response p = redis.execute("XPENDING", AttemptLog.STREAM, GROUP);
            if (p != null && p.get(1) != null && AttemptLog.compareIds(p.get(1).toString(), floor) < 0) {
                floor = p.get(1).toString();
            }
        }
        return Optional.of(floor);
    }

    /**
     * Backlog, lag, buffer size, and the alert when the buffer nears buffer-max: a handful of O(1) commands (the
     * backlog is the group's pending count plus Redis 7's {@code lag}; on Redis 6, which has no lag, the stream length
     * stands in as an upper bound).
     */
    private void measure() {
        try {
            long len = redis.execute("XLEN", AttemptLog.STREAM).toLong();
            buffered.set(len);
            long pending = 0;
            Long undelivered = null;
            String lastDelivered = null;
            Response groups = redis.execute("XINFO", "GROUPS", AttemptLog.STREAM);
            for (Response g : groups) {
                if (GROUP.equals(field(g, "name"))) {
                    pending = Long.parseLong(field(g, "pending"));
                    lastDelivered = field(g, "last-delivered-id");
                    String lag = field(g, "lag");
                    undelivered = lag == null ? null : Long.valueOf(lag);
                }
            }
            long lagMillis = 0;
            if (lastDelivered != null) {
                Optional<String> floor = ackFloor();
                Response first = floor.isEmpty() ? null
                        : redis.execute("XRANGE", AttemptLog.STREAM, floor.get(), "+", "COUNT", "1");
                if (first != null && first.size() > 0) {
                    lagMillis = Math.max(0, clock.millis() - AttemptLog.millisOf(first.get(0).get(0).toString()));
                }
            }
            backlog.set(lagMillis == 0 ? pending : pending + (undelivered != null ? undelivered : len));
            lagMillis(lagMillis);
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

    private void lagMillis(long v) {
        lagMillis.set(v);
    }

    private void failed(Exception e) {
        failures.increment();
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

    /** one field of a reply that is a map (RESP3) or a flat key-value array (RESP2); nil values are null */
    private static String field(Response map, String key) {
        if (map == null) {
            return null;
        }
        if (map.type() == io.vertx.redis.client.ResponseType.MULTI && !map.getKeys().isEmpty()) {
            Response v = map.get(key);
            return v == null ? null : v.toString();
        }
        for (int i = 0; i + 1 < map.size(); i += 2) {
            if (map.get(i) != null && key.equals(map.get(i).toString())) {
                Response v = map.get(i + 1);
                return v == null ? null : v.toString();
            }
        }
        return null;
    }
}
