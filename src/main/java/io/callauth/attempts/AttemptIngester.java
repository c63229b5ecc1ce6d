package io.callauth.attempts;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Moves the attempt log from the Redis Stream into PostgreSQL. Every replica runs one consumer of one consumer group
 * ({@value #GROUP}, created on every shard of the stream, see {@link AttemptLog}); each tick, over all shards, it
 * <ol>
 *   <li>re-reads what it holds unacknowledged (after a round that failed, e.g. while PostgreSQL was down),</li>
 *   <li>claims entries that another consumer has held longer than {@code claim-idle} (a replica that died; looked
 *   for twice per claim-idle, and on every tick while a claim comes back full),</li>
 *   <li>reads new entries in batches until the stream is drained or the tick's time is used,</li>
 *   <li>trims the stream behind what every consumer acknowledged (and the other readers still need), once a second.</li>
 * </ol>
 * The re-read and the claims run when they can find something, not on every tick: on a busy replica each round's
 * burst shares the cores with the request path.
 * A batch is one transaction ({@link AttemptArchive#store}) and is acknowledged only after its commit; the stream id
 * (qualified by its shard past shard 0) is the record's primary key, so a batch stored twice (a redelivery, a claim racing a slow consumer) adds nothing
 * the second time. None lost, none twice. Blocking work on threads of its own, never the event loop.
 * <p>
 * Rounds follow each other {@code tick} apart (from the end of one to the start of the next, so never two at once),
 * on a thread of the ingester's own rather than Quarkus' scheduler, whose floor is one second: short rounds keep each
 * round's burst small (a second's records read, parsed, written and acknowledged at once is a pause the requests
 * sharing the core feel). The loop runs where scheduled jobs run ({@code quarkus.scheduler.enabled}, off in the tests,
 * which drive rounds themselves) and the ingester is enabled.
 */
@ApplicationScoped
public class AttemptIngester {

    public static final String GROUP = "archive";
    private static final Logger LOG = Logger.getLogger(AttemptIngester.class);
    /** how long one tick may keep draining before it lets the next tick start */
    private static final Duration TICK_BUDGET = Duration.ofSeconds(5);
    /** batches committed without waiting for the disk between two flushes (and acknowledgements) */
    static final int FLUSH_EVERY = 4;
    private static final Duration MAINTENANCE_EVERY = Duration.ofMinutes(10);
    /** the first round, after the start (the replica serves first) */
    private static final Duration LOOP_DELAY = Duration.ofSeconds(2);
    /** how often the loop's rounds end with the trim */
    private static final Duration TRIM_EVERY = Duration.ofSeconds(1);

    private final RedisDataSource redis;
    private final AttemptArchive archive;
    private final AttemptLog log;
    private final AttemptsConfig config;
    private final Clock clock;
    private final Instance<StreamHold> holds;
    /** this replica's consumers: each owns the shards s with s % workers == its index, so that one verification's
     * records (one shard) are archived in order by one of them, while the workers' transactions run side by side */
    private final List<Consumer> own;
    private final java.util.concurrent.ExecutorService workers;
    private final boolean loopEnabled;
    private volatile ScheduledExecutorService loop;
    /** System.nanoTime() of the loop's last trim (only the loop's thread reads and writes it) */
    private long lastTrim = System.nanoTime() - TRIM_EVERY.toNanos();
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

    public AttemptIngester(RedisDataSource redis, AttemptArchive archive, AttemptLog log, AttemptsConfig config,
                           Clock clock, Instance<StreamHold> holds, MeterRegistry registry,
                           @ConfigProperty(name = "quarkus.scheduler.enabled", defaultValue = "true") boolean jobs) {
        this.redis = redis;
        this.loopEnabled = jobs && config.ingest().enabled();
        this.archive = archive;
        this.log = log;
        this.config = config;
        this.clock = clock;
        this.holds = holds;
        int n = Math.max(1, config.ingest().workers());
        String base = consumerName();
        List<Consumer> consumers = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            consumers.add(new Consumer(n == 1 ? base : base + "-w" + k, config.ingest().claimIdle(), k, n));
        }
        this.own = List.copyOf(consumers);
        this.workers = n == 1 ? null : Executors.newFixedThreadPool(n, daemon("attempt-ingester"));
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

    /** the ingester's threads: named, and never keeping the JVM up */
    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private static String consumerName() {
        String host = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("replica");
        return host + "-" + ProcessHandle.current().pid() + "-" + io.callauth.common.Ids.random("", 3);
    }

    /**
     * One round of this replica's consumers, side by side (each over its own shards), then one trim of every shard.
     * Their figures are summed; failed when any failed (its entries stay pending for it and are retried next time).
     */
    public Run runOwn() {
        return runOwn(true);
    }

    /** {@code trimAfter}: whether the round ends with the trim (and the backlog measured with it) */
    private Run runOwn(boolean trimAfter) {
        List<Run> runs = new ArrayList<>();
        if (workers == null) {
            runs.add(own.get(0).run(false));
        } else {
            List<java.util.concurrent.Future<Run>> futures = new ArrayList<>();
            for (Consumer c : own) {
                futures.add(workers.submit(() -> c.run(false)));
            }
            for (java.util.concurrent.Future<Run> f : futures) {
                try {
                    runs.add(f.get());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    runs.add(new Run(0, 0, 0, 0, true));
                } catch (java.util.concurrent.ExecutionException e) {
                    failed(e.getCause() instanceof Exception x ? x : new RuntimeException(e.getCause()));
                    runs.add(new Run(0, 0, 0, 0, true));
                }
            }
        }
        boolean failed = runs.stream().anyMatch(Run::failed);
        if (!failed && trimAfter) {
            trim();
        }
        return new Run(runs.stream().mapToInt(Run::read).sum(), runs.stream().mapToInt(Run::inserted).sum(),
                runs.stream().mapToInt(Run::duplicates).sum(), runs.stream().mapToInt(Run::claimed).sum(), failed);
    }

    @jakarta.annotation.PreDestroy
    void stopWorkers() {
        if (workers != null) {
            workers.shutdownNow();
        }
    }

    /** a consumer of the group under another name, over every shard (tests run several in one process) */
    public Consumer consumer(String name, Duration claimIdle) {
        return new Consumer(name, claimIdle, 0, 1);
    }

    void startLoop(@Observes StartupEvent event) {
        if (!loopEnabled) {
            return;
        }
        ScheduledExecutorService l = Executors.newSingleThreadScheduledExecutor(daemon("attempt-ingest-loop"));
        long every = Math.max(1, config.ingest().tick().toMillis());
        l.scheduleWithFixedDelay(this::tick, LOOP_DELAY.toMillis(), every, TimeUnit.MILLISECONDS);
        loop = l;
    }

    void stopLoop(@Observes ShutdownEvent event) {
        ScheduledExecutorService l = loop;
        if (l != null) {
            l.shutdownNow();
            loop = null;
        }
    }

    /** one round of this replica's consumers, and the archive's upkeep when it is due; never throws (the loop runs
     * only when the ingester is enabled) */
    void tick() {
        try {
            // the trim and the backlog figures cost a few round trips per shard: once a second is enough for both,
            // whatever the rounds' pace
            long now = System.nanoTime();
            boolean trimNow = now - lastTrim >= TRIM_EVERY.toNanos();
            Run r = runOwn(trimNow);
            if (trimNow && !r.failed()) {
                lastTrim = now;
            }
            if (clock.millis() >= nextMaintenance) {
                archive.createAhead();
                archive.enforceRetention();
                nextMaintenance = clock.millis() + MAINTENANCE_EVERY.toMillis();
            }
        } catch (RuntimeException | SQLException e) {
            failed(e);
        } catch (Error e) {
            // a scheduled executor runs nothing more after a task that threw: log it and go on with the next round
            LOG.errorf(e, "attempt ingester round failed");
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

    /** an entry as read from one shard of the stream */
    private record Read(int shard, AttemptLog.Entry entry) {
    }

    /** One consumer of the group: its name and how long others' entries must sit before it claims them. */
    public final class Consumer {
        private final String name;
        private final Duration claimIdle;
        /** the shard each pass starts at: rotated, so no shard always comes last when the tick's time runs out */
        private int start;
        /** this consumer reads the shards s with s % parts == part */
        private final int part;
        private final int parts;
        /** ids of the entries stored by commits not yet flushed, by shard: acknowledged after the next flush */
        private final java.util.Map<Integer, List<String>> unflushed = new java.util.TreeMap<>();
        private int unflushedBatches;
        /** the shards whose consumer group is known to exist (XGROUP CREATE once, not every round) */
        private final java.util.Set<Integer> grouped = new java.util.HashSet<>();
        /**
         * whether this consumer may hold entries it has not acknowledged: at its start and after a failed round (a
         * round that succeeds acknowledges all it read). Its own pending entries are re-read only then.
         */
        private boolean mayHoldPending = true;
        /** System.nanoTime() of the last pass over the others' stale entries (XAUTOCLAIM), if any */
        private long lastClaimPass;
        private boolean claimedOnce;

        Consumer(String name, Duration claimIdle, int part, int parts) {
            this.name = name;
            this.claimIdle = claimIdle;
            this.part = part;
            this.parts = parts;
        }

        private boolean mine(int shard) {
            return shard % parts == part;
        }

        public String name() {
            return name;
        }

        /**
         * One round over every shard: own pending, claims, new entries, trim. New entries are read shard after shard
         * (from a rotating first shard) into one batch of up to {@code batch-size} records, stored in one transaction
         * and acknowledged per shard; passes repeat while they come back full and the tick's time lasts. Stops at the
         * first failed batch (its entries stay pending for this consumer and are retried next time).
         */
        public Run run() {
            return run(true);
        }

        Run run(boolean trimAfter) {
            int shards = log.shards();
            for (int s = 0; s < shards; s++) {
                if (!grouped.contains(s)) {
                    ensureGroup(s);
                    grouped.add(s);
                }
            }
            long deadline = System.nanoTime() + TICK_BUDGET.toNanos();
            int batchSize = config.ingest().batchSize();
            int first = Math.floorMod(start++, shards);
            int read = 0, inserted = 0, duplicates = 0, claimed = 0;
            try {
                // 1. what this consumer holds: a batch whose transaction failed last time
                List<Read> mine = new ArrayList<>();
                boolean morePending = false;
                for (int i = 0; i < shards && mayHoldPending; i++) {
                    if (mine((first + i) % shards)) {
                        List<Read> got = read((first + i) % shards, "0", batchSize);
                        morePending |= got.size() >= batchSize;
                        mine.addAll(got);
                    }
                }
                for (List<Read> chunk : chunks(mine, batchSize)) {
                    AttemptArchive.Stored st = store(chunk);
                    read += chunk.size();
                    inserted += st.inserted();
                    duplicates += st.duplicates();
                }
                // 2. what a dead consumer holds: looked for twice per claim-idle (an entry is claimed once it has been
                // idle that long, so a takeover waits at most half as long again), not on every tick
                List<Read> orphans = new ArrayList<>();
                long now = System.nanoTime();
                boolean claimPass = !claimedOnce || now - lastClaimPass >= claimIdle.toNanos() / 2;
                boolean moreOrphans = false;
                for (int i = 0; i < shards && claimPass; i++) {
                    if (mine((first + i) % shards)) {
                        List<Read> got = claim((first + i) % shards);
                        moreOrphans |= got.size() >= batchSize;
                        orphans.addAll(got);
                    }
                }
                if (claimPass && !moreOrphans) { // a full claim may have left more: the next tick claims again
                    claimedOnce = true;
                    lastClaimPass = now;
                }
                for (List<Read> chunk : chunks(orphans, batchSize)) {
                    AttemptArchive.Stored st = store(chunk);
                    claimed += chunk.size();
                    read += chunk.size();
                    inserted += st.inserted();
                    duplicates += st.duplicates();
                }
                // 3. new entries, batch after batch, each batch gathered over the shards
                while (System.nanoTime() < deadline) {
                    List<Read> batch = new ArrayList<>();
                    for (int i = 0; i < shards && batch.size() < batchSize; i++) {
                        if (mine((first + i) % shards)) {
                            batch.addAll(read((first + i) % shards, ">", batchSize - batch.size()));
                        }
                    }
                    if (batch.isEmpty()) {
                        break;
                    }
                    AttemptArchive.Stored st = store(batch);
                    read += batch.size();
                    inserted += st.inserted();
                    duplicates += st.duplicates();
                    if (batch.size() < batchSize) {
                        break;
                    }
                    first = (first + 1) % shards;
                }
                flushAndAck();
                mayHoldPending = morePending; // a full re-read may have left more: the next round reads on
                recovered();
            } catch (SQLException | RuntimeException e) {
                // what was stored but not acknowledged stays pending for this consumer: stored again next round
                mayHoldPending = true;
                forgetUnflushed();
                grouped.clear(); // Redis may have restarted empty (NOGROUP): the groups are made again
                failed(e);
                measure(null);
                return new Run(read, inserted, duplicates, claimed, true);
            }
            if (trimAfter) {
                trim();
            }
            return new Run(read, inserted, duplicates, claimed, false);
        }

        private List<Read> read(int shard, String from, int count) {
            String key = AttemptLog.stream(shard);
            Response r = redis.execute("XREADGROUP", "GROUP", GROUP, name, "COUNT", Integer.toString(count),
                    "STREAMS", key, from);
            if (r == null || r.size() == 0) {
                return List.of();
            }
            // RESP3: {stream: [[id, [k, v, ...]], ...]}; RESP2: [[stream, [[id, [k, v, ...]], ...]]]
            boolean map = r.type() == io.vertx.redis.client.ResponseType.MULTI && !r.getKeys().isEmpty();
            return tag(shard, AttemptLog.entries(map ? r.get(key) : r.get(0).get(1)));
        }

        private List<Read> claim(int shard) {
            Response r = redis.execute("XAUTOCLAIM", AttemptLog.stream(shard), GROUP, name,
                    Long.toString(claimIdle.toMillis()), "0-0", "COUNT", Integer.toString(config.ingest().batchSize()));
            if (r == null || r.size() < 2) {
                return List.of();
            }
            List<AttemptLog.Entry> entries = AttemptLog.entries(r.get(1));
            if (!entries.isEmpty()) {
                LOG.infof("attempt ingester %s claimed %d records of %s held by a consumer idle for %s or more",
                        name, entries.size(), AttemptLog.stream(shard), claimIdle);
            }
            // entries trimmed while pending come back as nil: nothing to store, acknowledge them so they go away
            List<String> gone = new ArrayList<>();
            for (Response e : r.get(1)) {
                if (e != null && e.get(1) == null && e.get(0) != null) {
                    gone.add(e.get(0).toString());
                }
            }
            if (!gone.isEmpty()) {
                ack(shard, gone);
            }
            return tag(shard, entries);
        }

        /**
         * Stores a batch in one transaction whose commit does not wait for the disk; its entries are acknowledged
         * once a flush has made it durable ({@link #flushAndAck}), every {@link #FLUSH_EVERY} batches and at the end
         * of each round. A round that fails leaves its unacknowledged entries pending for this consumer: the next
         * round stores them again (the archive skips what it holds).
         */
        private AttemptArchive.Stored store(List<Read> batch) throws SQLException {
            AttemptArchive.Stored st = archive.storeUnflushed(batch.stream()
                    .map(r -> new AttemptLog.Entry(AttemptLog.archiveId(r.shard(), r.entry().id()), r.entry().record()))
                    .toList());
            for (Read r : batch) {
                unflushed.computeIfAbsent(r.shard(), k -> new ArrayList<>()).add(r.entry().id());
            }
            archived.increment(st.inserted());
            tooOld.increment(st.tooOld());
            if (++unflushedBatches >= FLUSH_EVERY) {
                flushAndAck();
            }
            return st;
        }

        /** makes the stored batches durable, then acknowledges their entries */
        private void flushAndAck() throws SQLException {
            if (unflushed.isEmpty()) {
                return;
            }
            archive.flush();
            unflushed.forEach(this::ack);
            forgetUnflushed();
        }

        private void forgetUnflushed() {
            unflushed.clear();
            unflushedBatches = 0;
        }

        private void ack(int shard, List<String> ids) {
            List<String> args = new ArrayList<>(ids.size() + 2);
            args.add(AttemptLog.stream(shard));
            args.add(GROUP);
            args.addAll(ids);
            redis.execute("XACK", args.toArray(String[]::new));
        }
    }

    private static List<Read> tag(int shard, List<AttemptLog.Entry> entries) {
        return entries.stream().map(e -> new Read(shard, e)).toList();
    }

    private static List<List<Read>> chunks(List<Read> all, int size) {
        List<List<Read>> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i += size) {
            out.add(all.subList(i, Math.min(all.size(), i + size)));
        }
        return out;
    }

    private void ensureGroup(int shard) {
        try {
            redis.execute("XGROUP", "CREATE", AttemptLog.stream(shard), GROUP, "0", "MKSTREAM");
        } catch (RuntimeException e) {
            if (e.getMessage() == null || !e.getMessage().contains("BUSYGROUP")) {
                throw e;
            }
        }
    }

    /**
     * Trims each shard before its oldest entry that is still needed: unacknowledged by the group (pending, or not
     * yet delivered) or wanted by another reader ({@link StreamHold}). Also updates the backlog metrics and the alert.
     */
    public void trim() {
        List<Optional<String>> floors = new ArrayList<>();
        for (int s = 0; s < log.shards(); s++) {
            Optional<String> floor = ackFloor(s);
            floors.add(floor);
            if (floor.isEmpty()) {
                continue;
            }
            String threshold = floor.get();
            for (StreamHold h : holds) {
                Optional<String> needed = h.oldestNeeded(s);
                if (needed.isPresent() && AttemptLog.compareIds(needed.get(), threshold) < 0) {
                    threshold = needed.get();
                }
            }
            redis.execute("XTRIM", AttemptLog.stream(s), "MINID", threshold);
        }
        measure(floors);
    }

    /** the first id of a shard not yet acknowledged by the group (pending or undelivered), or empty if no group */
    private Optional<String> ackFloor(int shard) {
        String key = AttemptLog.stream(shard);
        String lastDelivered = null;
        long pending = 0;
        Response groups = redis.execute("XINFO", "GROUPS", key);
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
            Response p = redis.execute("XPENDING", key, GROUP);
            if (p != null && p.get(1) != null && AttemptLog.compareIds(p.get(1).toString(), floor) < 0) {
                floor = p.get(1).toString();
            }
        }
        return Optional.of(floor);
    }

    /**
     * Backlog, lag, buffer size, and the alert when the buffer nears buffer-max: a handful of O(1) commands per shard
     * (the backlog is the group's pending count plus Redis 7's {@code lag}; on Redis 6, which has no lag, the stream
     * length stands in as an upper bound). Backlog and buffer are summed over the shards; the lag is the oldest
     * shard's. {@code floors}: the shards' ack floors when the caller has them.
     */
    private void measure(List<Optional<String>> floors) {
        try {
            long len = 0;
            long backlogSum = 0;
            long oldestLag = 0;
            for (int s = 0; s < log.shards(); s++) {
                String key = AttemptLog.stream(s);
                long shardLen = redis.execute("XLEN", key).toLong();
                len += shardLen;
                long pending = 0;
                Long undelivered = null;
                String lastDelivered = null;
                Response groups = redis.execute("XINFO", "GROUPS", key);
                for (Response g : groups) {
                    if (GROUP.equals(field(g, "name"))) {
                        pending = Long.parseLong(field(g, "pending"));
                        lastDelivered = field(g, "last-delivered-id");
                        String lag = field(g, "lag");
                        undelivered = lag == null ? null : Long.valueOf(lag);
                    }
                }
                long lag = 0;
                if (lastDelivered != null) {
                    Optional<String> floor = floors != null ? floors.get(s) : ackFloor(s);
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
            lagMillis(oldestLag);
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
