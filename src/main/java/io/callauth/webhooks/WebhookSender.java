package io.callauth.webhooks;

import io.callauth.background.ReplicaRoles;
import io.callauth.common.Ids;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends the due tries, on worker replicas: a loop (one thread, rounds {@code callauth.webhooks.delivery.tick} apart)
 * claims each enabled endpoint's due tries ({@link DeliveryQueue#claim}: atomically, with a lease, so that two
 * replicas never send the same try and a dead replica's tries come back after the lease) and sends each request
 * without holding a thread (Vert.x, Mutiny): the target checked again ({@link Targets#resolveForSend}: the address it
 * resolved to is the one connected to), signed with the endpoint's secrets in force, posted ({@link WebhookHttp}), and
 * its answer recorded ({@link TryOutcomes}). An endpoint has at most {@code max-concurrency-per-endpoint} requests in flight and
 * the replica {@code max-concurrency}, and a round claims only what it can send at once: a hanging endpoint holds its
 * own slots, never another endpoint's events. A delivered try claims the endpoint's next due tries at once, in the
 * round trip that records it (a backlog drains at the endpoint's pace, not a round's); rounds find new events and the
 * retries that fall due.
 */
@ApplicationScoped
public class WebhookSender {

    private static final Logger LOG = Logger.getLogger(WebhookSender.class);
    /** most tries one claim takes */
    static final int CLAIM_MAX = 1000;

    private final WebhookStore store;
    private final DeliveryQueue queue;
    private final WebhookHttp http;
    private final Targets targets;
    private final SecretBox box;
    private final TryOutcomes outcomes;
    private final WebhooksConfig config;
    private final DeliveryConfig delivery;
    private final Clock clock;
    private final ReplicaRoles roles;
    private final String token = Ids.random("snd_", 8);
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private final Object slots = new Object();
    /** the enabled endpoints the newest round saw: refills send only to these */
    private volatile Map<String, Endpoint> current = Map.of();
    private volatile ScheduledExecutorService loop;
    private volatile boolean stopping;
    private final java.util.concurrent.atomic.AtomicBoolean nudged = new java.util.concurrent.atomic.AtomicBoolean();

    public WebhookSender(WebhookStore store, DeliveryQueue queue, WebhookHttp http, Targets targets, SecretBox box,
                         TryOutcomes outcomes, WebhooksConfig config, DeliveryConfig delivery, Clock clock,
                         ReplicaRoles roles) {
        this.store = store;
        this.queue = queue;
        this.http = http;
        this.targets = targets;
        this.box = box;
        this.outcomes = outcomes;
        this.config = config;
        this.delivery = delivery;
        this.clock = clock;
        this.roles = roles;
    }

    private final Object roundLock = new Object();
    private volatile boolean paused;

    void start(@Observes StartupEvent event) {
        if (!roles.runsJobs() || !delivery.enabled()) {
            return;
        }
        loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "webhook-sender");
            t.setDaemon(true);
            return t;
        });
        long tick = Math.max(10, delivery.tick().toMillis());
        loop.scheduleWithFixedDelay(this::safeRound, 2000, tick, TimeUnit.MILLISECONDS);
    }

    /**
     * Asks this replica's loop for a round now (the enqueuer just queued events): new events leave without waiting for
     * the next tick. Nothing when the loop does not run here or a round is already asked for.
     */
    public void nudge() {
        ScheduledExecutorService l = loop;
        if (l != null && !stopping && nudged.compareAndSet(false, true)) {
            try {
                l.execute(() -> {
                    nudged.set(false);
                    safeRound();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                nudged.set(false);
            }
        }
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        if (loop != null) {
            loop.shutdownNow();
        }
    }

    private void safeRound() {
        synchronized (roundLock) {
            if (paused) {
                return;
            }
            try {
                round();
            } catch (RuntimeException e) {
                LOG.debugf("webhook sender round failed (tried again next round): %s", e.toString());
            }
        }
    }

    /**
     * Stops this replica's loop from starting rounds (after the one under way, if any) until {@link #resume()}; the
     * requests already started still end (and refill their endpoint's slots while it has due tries). For tests that
     * drive {@link #round()} by hand, with {@link #idle()}.
     */
    public void pause() {
        synchronized (roundLock) {
            paused = true;
        }
    }

    public void resume() {
        paused = false;
    }

    /** whether no request of this replica is in flight */
    public boolean idle() {
        return total.get() == 0;
    }

    /**
     * One round: claims what is due for each enabled endpoint within its free slots and starts sending it. Answers the
     * requests started (each completes once its answer is recorded): tests drive rounds by hand.
     */
    public List<CompletableFuture<Void>> round() {
        List<CompletableFuture<Void>> started = new ArrayList<>();
        Map<String, Endpoint> now = new HashMap<>();
        for (Endpoint ep : store.all()) {
            if (ep.enabled()) {
                now.put(ep.id(), ep);
            }
        }
        current = now;
        for (Endpoint ep : now.values()) {
            fill(ep, started);
        }
        return started;
    }

    /**
     * Claims as many of the endpoint's due tries as its free slots take and starts sending them (adding each to
     * {@code started}). Slots are reserved before the claim, so that rounds and the refills of tries that
     * just ended never put more requests in flight than the caps allow.
     */
    private void fill(Endpoint ep, List<CompletableFuture<Void>> started) {
        AtomicInteger mine = inFlight.computeIfAbsent(ep.id(), k -> new AtomicInteger());
        int reserved = reserve(mine);
        if (reserved == 0) {
            return;
        }
        int used = 0;
        try {
            long leaseEnd = clock.millis() + delivery.lease().toMillis();
            List<CompletableFuture<Void>> sent = sendAll(ep, queue.claim(ep.id(), claimSize(ep, reserved), leaseEnd,
                    token), mine);
            used = sent.size();
            started.addAll(sent);
        } finally {
            release(mine, reserved - used);
        }
    }

    /**
     * How many tries to claim for {@code slots} requests: one each, or a batch endpoint's {@code batch-max} each, but
     * no more than {@value #CLAIM_MAX} tries in one script (a batch or two: Redis runs a script alone, so a claim of
     * 16 full batches would hold every other client); the slots left unused are released.
     */
    private int claimSize(Endpoint ep, int slots) {
        int perRequest = ep.format() == Format.BATCH ? config.batchMax() : 1;
        return (int) Math.min((long) slots * perRequest, Math.max(perRequest, CLAIM_MAX));
    }

    /** reserves the endpoint's free slots within the replica's: how many */
    private int reserve(AtomicInteger mine) {
        synchronized (slots) {
            int free = Math.min(config.maxConcurrencyPerEndpoint() - mine.get(), config.maxConcurrency() - total.get());
            if (free <= 0) {
                return 0;
            }
            mine.addAndGet(free);
            total.addAndGet(free);
            return free;
        }
    }

    private void release(AtomicInteger mine, int n) {
        if (n > 0) {
            synchronized (slots) {
                mine.addAndGet(-n);
                total.addAndGet(-n);
            }
        }
    }

    /**
     * Sends one request in a slot already reserved, without blocking a thread: the target checked (a host name is
     * resolved on a worker thread; an address literal needs no lookup), the request signed and posted, its answer
     * recorded. A delivered try keeps its slot and asks, in the same round trip as its record, for as many of the
     * endpoint's next due tries as its slot and the endpoint's other free slots take: a backlog drains as fast as the
     * endpoint answers, not a round's pace, at one Redis round trip and one request per try.
     */
    private CompletableFuture<Void> send(Endpoint ep, List<DeliveryQueue.Claimed> claimed, Outgoing out,
                                         AtomicInteger mine) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        post(ep, out).chain(answer -> {
            Endpoint next = answer.delivered() && !stopping ? current.get(ep.id()) : null;
            int slots = next == null ? 0 : 1 + reserve(mine);
            long leaseEnd = clock.millis() + delivery.lease().toMillis();
            // deferred: whatever fails in making the record fails the Uni, and the slots are released below
            return Uni.createFrom().deferred(() -> outcomes.recordAndClaim(ep, token, claimed, answer,
                            claimSize(ep, slots), leaseEnd))
                    .onItemOrFailure().invoke((tries, failure) -> {
                        int used = 0;
                        if (failure != null) {
                            // not recorded: the lease runs out and the tries are due again
                            LOG.warnf("webhook try to %s not recorded: %s", ep.id(), failure.toString());
                        } else if (next != null) {
                            used = sendAll(next, tries, mine).size();
                        }
                        release(mine, Math.max(1, slots) - used);
                    });
        }).subscribe().with(ignored -> done.complete(null), failure -> done.complete(null));
        return done;
    }

    /**
     * Sends claimed tries in slots already reserved, one request each (a batch endpoint's request carries up to
     * {@code batch-max} of them); answers the requests started. A try that cannot be made a request (its queued body
     * unreadable) is left claimed: its lease runs out and it is tried again.
     */
    private List<CompletableFuture<Void>> sendAll(Endpoint ep, List<DeliveryQueue.Claimed> claimed,
                                                  AtomicInteger mine) {
        List<CompletableFuture<Void>> started = new ArrayList<>();
        int perRequest = ep.format() == Format.BATCH ? config.batchMax() : 1;
        for (int i = 0; i < claimed.size(); i += perRequest) {
            List<DeliveryQueue.Claimed> chunk = claimed.subList(i, Math.min(claimed.size(), i + perRequest));
            Outgoing out;
            try {
                out = ep.format() == Format.BATCH
                        ? Outgoing.batch(chunk.stream().map(DeliveryQueue.Claimed::eventId).toList(),
                        chunk.stream().map(DeliveryQueue.Claimed::body).toList())
                        : Outgoing.single(chunk.get(0).eventId(), chunk.get(0).body());
            } catch (RuntimeException e) {
                LOG.warnf("webhook try of %s to %s not sent (its body is unreadable): %s", chunk.get(0).eventId(),
                        ep.id(), e.toString());
                continue;
            }
            started.add(send(ep, List.copyOf(chunk), out, mine));
        }
        return started;
    }

    /** the request's answer; never a failure (a refused target, a timeout: an {@link WebhookHttp.Answer} saying so) */
    private Uni<WebhookHttp.Answer> post(Endpoint ep, Outgoing out) {
        return Uni.createFrom().deferred(() -> {
            URI url = URI.create(ep.url());
            return resolve(url).chain(address -> {
                List<String> secrets = ep.signingSecrets(clock.instant()).stream().map(box::open).toList();
                Map<String, String> headers = out.headers(clock.millis() / 1000, secrets);
                return Uni.createFrom().completionStage(() -> http.post(url, address, out.body(), headers)
                        .toCompletionStage());
            });
        }).ifNoItem().after(config.timeout().plusSeconds(5)).recoverWithItem(WebhookHttp.Answer.failed("timeout"))
                .onFailure(TargetRefused.class)
                .recoverWithItem(e -> WebhookHttp.Answer.failed("target refused: " + e.getMessage()))
                .onFailure().recoverWithItem(e -> {
                    LOG.debugf("webhook try to %s failed before an answer: %s", ep.id(), e.toString());
                    return WebhookHttp.Answer.failed("connection failed");
                });
    }

    /**
     * The address to connect to, judged again now ({@link Targets#resolveForSend}): at once for an address literal,
     * on a worker thread for a host name (a lookup may block).
     */
    private Uni<InetAddress> resolve(URI url) {
        Uni<InetAddress> judged = Uni.createFrom().item(() -> targets.resolveForSend(url));
        return Targets.isAddressLiteral(url.getHost()) ? judged
                : judged.runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }
}
