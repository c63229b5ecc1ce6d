package io.callauth.routing;

import io.callauth.attempts.AttemptRecord;
import io.callauth.attempts.AttemptType;
import io.callauth.background.StreamEntry;
import io.callauth.background.StreamJob;
import io.callauth.background.StreamWorkers;
import io.callauth.phone.DestinationGroup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The routing figures' {@link StreamJob} (consumer group {@value #GROUP}, on worker replicas): each call record of
 * the attempt stream goes to its destination group's counters in Redis ({@link FigureStore}), in the bucket of the
 * record's time. Attribution: a {@code call_placed} or {@code call_failed} counts as placed for its provider, a
 * {@code call_outcome} delivered as delivered for the provider that placed the call (the record names it), an
 * {@code approved} for the provider of the verification's current call, the one whose call was delivered (after a
 * fallback: the fallback's provider). A batch handed twice counts once: the script keeps the stream ids it counted
 * (per group, for the window). After its rounds, one worker a second (a lock in Redis) rebuilds the summary every
 * replica reads.
 */
@ApplicationScoped
public class RoutingFigures implements StreamJob {

    public static final String GROUP = "routing";
    private static final Logger LOG = Logger.getLogger(RoutingFigures.class);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final FigureStore store;
    private final RoutingConfig config;
    private final Clock clock;
    private final StreamWorkers seam;
    private final AtomicLong nextBuild = new AtomicLong();

    public RoutingFigures(FigureStore store, RoutingConfig config, Clock clock, StreamWorkers seam) {
        this.store = store;
        this.config = config;
        this.clock = clock;
        this.seam = seam;
    }

    @Override
    public String group() {
        return GROUP;
    }

    @Override
    public boolean enabled() {
        return config.figuresEnabled();
    }

    @Override
    public Done handle(List<StreamEntry> batch) {
        long bucketMs = config.bucket().toMillis();
        Map<String, List<FigureStore.Change>> byGroup = new LinkedHashMap<>();
        Map<String, Long> touched = new HashMap<>();
        for (StreamEntry e : batch) {
            AttemptRecord r = e.record();
            char kind = kindOf(r);
            if (kind == 0 || r.provider() == null || r.phone() == null) {
                continue;
            }
            String group = DestinationGroup.of(r.phone(), r.country()).key();
            byGroup.computeIfAbsent(group, g -> new ArrayList<>()).add(new FigureStore.Change(e.archiveId(), kind,
                    r.at() / bucketMs, r.provider(), r.callRef(), r.at()));
            touched.merge(group, r.at(), Math::max);
        }
        if (byGroup.isEmpty()) {
            return Done.NOTHING;
        }
        List<Uni<Integer>> applied = new ArrayList<>();
        byGroup.forEach((g, changes) -> applied.add(store.apply(g, changes)));
        int total = byGroup.values().stream().mapToInt(List::size).sum();
        int fresh = Uni.join().all(applied).andFailFast()
                .call(() -> store.touch(touched))
                .map(ns -> ns.stream().mapToInt(Integer::intValue).sum())
                .await().atMost(WAIT);
        return new Done(fresh, total - fresh);
    }

    /** what a record means for the figures: P placed, F placement failed, D delivered, N not delivered, A approved */
    static char kindOf(AttemptRecord r) {
        AttemptType type = AttemptType.parse(r.type()).orElse(null);
        if (type == null) {
            return 0;
        }
        return switch (type) {
            case CALL_PLACED -> 'P';
            case CALL_FAILED -> 'F';
            case CALL_OUTCOME -> "delivered".equals(r.outcome()) ? 'D' : 'N';
            case APPROVED -> 'A';
            default -> 0;
        };
    }

    @Override
    public Duration tick() {
        return Duration.ofMillis(250);
    }

    @Override
    public void afterRound() {
        long now = clock.millis();
        if (now < nextBuild.get()) {
            return;
        }
        nextBuild.set(now + config.refresh().toMillis());
        try {
            buildIfDue().await().atMost(WAIT);
        } catch (RuntimeException e) {
            LOG.debugf("routing summary not built this time: %s", e.toString());
        }
    }

    /** rebuilds the summary when no other worker did within the last refresh period */
    Uni<Boolean> buildIfDue() {
        return store.claimBuild().chain(mine -> mine ? store.buildSummary().replaceWith(true)
                : Uni.createFrom().item(false));
    }

    // ---- for tests: rounds driven by hand

    /** rounds of this replica's consumers until the stream is drained, then the summary rebuilt (whoever built it last) */
    public FigureSummary runOnce() {
        for (int i = 0; i < 100 && seam.runner(this).round().read() > 0; i++) {
            // drain
        }
        return store.buildSummary().await().atMost(WAIT);
    }

    /** a consumer of the group under another name, over every shard: a second worker replica in one test process */
    public FigureSummary runAs(String consumer, Duration claimIdle) {
        for (int i = 0; i < 100 && seam.consumer(this, consumer, claimIdle).run().read() > 0; i++) {
            // drain
        }
        return store.buildSummary().await().atMost(WAIT);
    }
}
