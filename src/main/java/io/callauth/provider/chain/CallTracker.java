package io.callauth.provider.chain;

import io.callauth.background.ReplicaRoles;
import io.callauth.provider.CallOutcomes;
import io.callauth.provider.CallProgress;
import io.callauth.provider.CallProvider;
import io.callauth.provider.CallStatus;
import io.callauth.provider.TrackedCall;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callauth.common.Ids;
import io.callauth.common.LuaScript;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Follows placed calls until they have a final status: shared work of every replica. Due calls sit in a Redis
 * sorted set; a replica claims a batch with a lease (the claim moves them to now + lease and records its token),
 * polls the provider, then reschedules or forgets them; only the claim's owner may. A replica that dies mid-poll
 * leaves its claims to expire: the calls are due again and any replica takes them. No call is polled by two
 * replicas at once; none is forgotten. Tracking ends at a final status or at the ring timeout plus a grace period.
 * <p>
 * The due set and the job table are sharded over {@code callauth.tracking.shards} hash tags ({@code {calls}} is
 * shard 0, {@code {calls:1}} ... the others), so on a Redis Cluster they spread over the masters. A call's shard is a
 * stable function of its call reference. Every script touches the three keys of one shard (one hash tag, one slot).
 * Each round claims from every shard, at most its share of the batch from each, starting at a shard that rotates
 * from round to round, so no shard waits behind another.
 */
@ApplicationScoped
public class CallTracker {

    /** the keys of one shard: due set, job table, claim owners; one hash tag */
    static List<String> keys(int shard) {
        String tag = shard == 0 ? "{calls}" : "{calls:" + shard + "}";
        return List.of("ca:" + tag + ":due", "ca:" + tag + ":jobs", "ca:" + tag + ":owners");
    }

    private static final LuaScript SCHEDULE = LuaScript.fromResource("tracking-schedule");
    private static final LuaScript CLAIM = LuaScript.fromResource("tracking-claim");
    private static final LuaScript COMPLETE = LuaScript.fromResource("tracking-complete");
    private static final LuaScript FORGET = LuaScript.fromResource("tracking-forget");
    private static final Logger LOG = Logger.getLogger(CallTracker.class);

    private final ReactiveRedisDataSource redis;
    private final ProviderChain chain;
    private final CallOutcomes outcomes;
    private final TrackingConfig config;
    private final Clock clock;
    private final ObjectMapper json;
    private final io.vertx.core.Vertx vertx;
    private final String instance = Ids.random("", 4);
    private final AtomicLong claims = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger startShard = new java.util.concurrent.atomic.AtomicInteger();
    private final int shards;
    private final Pacer pacer = new Pacer();

    public CallTracker(ReactiveRedisDataSource redis, ProviderChain chain, CallOutcomes outcomes, TrackingConfig config,
                       Clock clock, ObjectMapper json, io.vertx.core.Vertx vertx) {
        this.redis = redis;
        this.vertx = vertx;
        this.chain = chain;
        this.outcomes = outcomes;
        this.config = config;
        this.clock = clock;
        this.json = json;
        this.shards = Math.max(1, config.shards());
    }

    /** the shard of a call */
    int shardOf(String callRef) {
        return io.callauth.common.Shards.of(callRef, shards);
    }

    /** Starts following a call; the first poll is due after one poll interval. */
    public Uni<Void> track(TrackedCall call) {
        long due = Math.min(clock.millis() + config.pollInterval().toMillis(), call.deadline());
        return SCHEDULE.call(redis, keys(shardOf(call.callRef())), List.of(call.callRef(), Long.toString(due), toJson(call)))
                .replaceWithVoid();
    }

    public Uni<Void> forget(String callRef) {
        return FORGET.call(redis, keys(shardOf(callRef)), List.of(callRef)).replaceWithVoid();
    }

    @Scheduled(every = "${callauth.tracking.tick}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = ReplicaRoles.NotAWorker.class)
    Uni<Void> tick() {
        return io.callauth.common.Detached.run(vertx, () -> drain(20)).replaceWithVoid()
                .onFailure().recoverWithItem(t -> {
                    LOG.warnf("call tracking tick failed: %s", t.toString());
                    return null;
                });
    }

    /** Rounds until no shard had more due than its share (at most {@code maxRounds}): capacity grows with the backlog. */
    public Uni<Integer> drain(int maxRounds) {
        return round().chain(r -> r.more() && maxRounds > 1
                ? drain(maxRounds - 1).map(m -> r.handled() + m) : Uni.createFrom().item(r.handled()));
    }

    /** what one round did: calls handled, and whether a shard had more due than the round took from it */
    private record Round(int handled, boolean more) {
    }

    /** a call claimed from one shard */
    private record Claimed(int shard, TrackedCall call) {
    }

    /**
     * One round: claim due calls with this replica's token, poll each, settle each. Answers the calls handled. Polls
     * of one provider run at most {@code max-concurrent-polls} at a time; past half the lease the round stops polling
     * (the rest are rescheduled, never left to a lease that expires under them).
     */
    public Uni<Integer> runOnce() {
        return round().map(Round::handled);
    }

    private Uni<Round> round() {
        String token = claimToken();
        long roundEnds = System.nanoTime() + config.lease().toNanos() / 2;
        int share = share(config.batchSize());
        return claimShards(token, config.batchSize()).chain(claimed -> {
            List<Claimed> jobs = claimed.stream().flatMap(List::stream).toList();
            boolean more = claimed.stream().anyMatch(c -> c.size() >= share);
            if (jobs.isEmpty()) {
                return Uni.createFrom().item(new Round(0, false));
            }
            Map<String, List<Claimed>> byProvider = new LinkedHashMap<>();
            for (Claimed job : jobs) {
                byProvider.computeIfAbsent(job.call().provider(), p -> new ArrayList<>()).add(job);
            }
            List<Uni<Void>> lanes = new ArrayList<>();
            for (List<Claimed> lane : byProvider.values()) {
                lanes.add(Multi.createFrom().iterable(lane)
                        .onItem().transformToUni(job -> handle(job.shard(), job.call(), token, roundEnds))
                        .merge(config.maxConcurrentPolls())
                        .collect().last().replaceWithVoid());
            }
            return Uni.join().all(lanes).andCollectFailures().replaceWith(new Round(jobs.size(), more));
        });
    }

    /** how many calls a claim of {@code max} takes from each shard it visits */
    private int share(int max) {
        int m = Math.max(1, max);
        int visited = Math.min(shards, m);
        return (m + visited - 1) / visited;
    }

    /**
     * Claims for {@code token} from min(shards, max) shards, starting at a shard that rotates with every claim, at most
     * {@code max} / that many from each (rounded up): no shard's backlog starves another's. One script per shard, all
     * at once; answers each visited shard's calls.
     */
    private Uni<List<List<Claimed>>> claimShards(String token, int max) {
        int visited = Math.min(shards, Math.max(1, max));
        int share = share(max);
        int first = Math.floorMod(startShard.getAndIncrement(), shards);
        List<Uni<List<Claimed>>> each = new ArrayList<>();
        for (int i = 0; i < visited; i++) {
            int shard = (first + i) % shards;
            each.add(CLAIM.call(redis, keys(shard), List.of(Long.toString(clock.millis()),
                            Long.toString(config.lease().toMillis()), token, Integer.toString(share)))
                    .map(r -> jobs(r).stream().map(c -> new Claimed(shard, c)).toList()));
        }
        return Uni.join().all(each).andFailFast();
    }

    /** A fresh claim token of this replica. */
    public String claimToken() {
        return instance + ":" + claims.incrementAndGet();
    }

    /**
     * Claims due calls for {@code token}: about {@code max} (each visited shard gives at most its share, see
     * {@link #claimShards}).
     */
    public Uni<List<TrackedCall>> claim(String token, int max) {
        return claimShards(token, max).map(l -> l.stream().flatMap(List::stream).map(Claimed::call).toList());
    }

    /** Reschedules ({@code nextDue} epoch ms) or forgets ({@code -1}) a claimed call; false when the claim was lost. */
    public Uni<Boolean> complete(String callRef, String token, long nextDue) {
        return complete(shardOf(callRef), callRef, token, nextDue);
    }

    private Uni<Boolean> complete(int shard, String callRef, String token, long nextDue) {
        return COMPLETE.call(redis, keys(shard), List.of(callRef, token, Long.toString(nextDue)))
                .map(r -> r.toLong() == 1L);
    }

    private Uni<Void> handle(int shard, TrackedCall job, String token, long roundEnds) {
        CallProvider provider = chain.byName(job.provider()).orElse(null);
        Uni<CallProgress> progress;
        if (provider == null) {
            progress = Uni.createFrom().item(new CallProgress(CallStatus.FAILED, "provider no longer configured"));
        } else if (System.nanoTime() > roundEnds) {
            progress = Uni.createFrom().item(NOT_POLLED);
        } else {
            progress = provider.poll(job)
                    .invoke(() -> pacer.succeeded(job.provider()))
                    .onFailure().recoverWithItem(t -> {
                        pacer.failed(job.provider());
                        LOG.debugf("poll of %s at %s failed: %s", job.callRef(), job.provider(), t.getMessage());
                        return NOT_POLLED;
                    });
        }
        return progress.chain(p -> {
            long now = clock.millis();
            if (p.status().isFinal()) {
                return outcomes.report(job.callRef(), p.status(), p.detail())
                        .chain(() -> complete(shard, job.callRef(), token, -1));
            }
            if (now >= job.deadline()) {
                // no outcome by the ring timeout (polls failing included): the provider's documented default decides
                CallStatus atTimeout = provider == null ? CallStatus.NOT_DELIVERED : provider.statusAtRingTimeout();
                return outcomes.report(job.callRef(), atTimeout, "ring_timeout")
                        .chain(() -> complete(shard, job.callRef(), token, -1));
            }
            // a provider whose polls fail is asked less often (still until the deadline, never dropped)
            long wait = config.pollInterval().toMillis() * pacer.factor(job.provider());
            return complete(shard, job.callRef(), token, Math.min(now + wait, job.deadline()));
        }).replaceWithVoid().onFailure().recoverWithUni(t -> {
            LOG.warnf("tracking %s failed, it is due again after its lease: %s", job.callRef(), t.toString());
            return Uni.createFrom().voidItem();
        });
    }

    /** a poll that did not happen or failed: no news, the call is still ringing as far as we know */
    private static final CallProgress NOT_POLLED = CallProgress.calling();

    /**
     * Per provider, how much longer than the poll interval to wait after polls fail: doubling with each failure in a
     * row up to 8×, back to 1× at the first success. Pacing only (a replica's own view), nothing that must be shared.
     */
    static final class Pacer {
        private final java.util.concurrent.ConcurrentHashMap<String, Integer> streaks = new java.util.concurrent.ConcurrentHashMap<>();

        void failed(String provider) {
            streaks.merge(provider, 1, (a, b) -> Math.min(a + b, 10));
        }

        void succeeded(String provider) {
            streaks.remove(provider);
        }

        long factor(String provider) {
            int streak = streaks.getOrDefault(provider, 0);
            return 1L << Math.min(streak, 3);
        }
    }

    private List<TrackedCall> jobs(Response r) {
        List<TrackedCall> out = new ArrayList<>();
        if (r == null) {
            return out;
        }
        for (int i = 0; i + 1 < r.size(); i += 2) {
            try {
                out.add(json.readValue(r.get(i + 1).toString(), TrackedCall.class));
            } catch (JsonProcessingException e) {
                LOG.warnf("unreadable tracking job %s dropped", r.get(i).toString());
            }
        }
        return out;
    }

    private String toJson(TrackedCall call) {
        try {
            return json.writeValueAsString(call);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
