package io.callauth.defence;

import io.callauth.background.StreamEntry;
import io.callauth.background.StreamJob;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The detector: a {@link StreamJob} (group {@value #GROUP}) over the attempt stream on worker replicas, every
 * {@code callauth.defence.tick} (200 ms). Each batch is counted into the sliding windows ({@link Windows}: in Redis,
 * once per entry, so a batch handed twice counts once and a worker that dies loses nothing), each touched value's
 * windows are weighed against its baseline ({@link Signals}, {@link Baselines}), and what passes a threshold is
 * blocked ({@link AutoBlocks}: one rule per dimension and value, whichever worker gets there first). After its rounds
 * (at most once a second) a worker ends the blocks whose rule expired.
 */
@ApplicationScoped
public class DefenceJob implements StreamJob {

    public static final String GROUP = "defence";
    private static final Logger LOG = Logger.getLogger(DefenceJob.class);
    private static final Duration SWEEP_EVERY = Duration.ofSeconds(1);

    private final Windows windows;
    private final Baselines baselines;
    private final AutoBlocks blocks;
    private final HotRanges hot;
    private final DefenceConfig config;
    private final Clock clock;
    private final Signals signals;
    private final Counter found;
    private volatile long nextSweep;

    public DefenceJob(Windows windows, Baselines baselines, AutoBlocks blocks, HotRanges hot, DefenceConfig config,
                      Clock clock, MeterRegistry registry) {
        this.windows = windows;
        this.baselines = baselines;
        this.blocks = blocks;
        this.hot = hot;
        this.config = config;
        this.clock = clock;
        this.signals = new Signals(config);
        this.found = Counter.builder("callauth.defence.blocks")
                .description("automatic blocks the defence created (rules, enforce or monitor)").register(registry);
    }

    @Override
    public String group() {
        return GROUP;
    }

    @Override
    public boolean enabled() {
        return config.mode() != DefenceMode.OFF;
    }

    @Override
    public int batchSize() {
        return config.batchSize();
    }

    @Override
    public Duration claimIdle() {
        return Duration.ofSeconds(10);
    }

    @Override
    public Duration tick() {
        return config.tick();
    }

    @Override
    public Done handle(List<StreamEntry> batch) {
        List<Window> counted = windows.count(batch);
        hot.note(counted);
        int made = 0;
        for (Finding f : findings(counted)) {
            if (blocks.block(f).isPresent()) {
                found.increment();
                made++;
            }
        }
        return new Done(made, 0);
    }

    /** the findings of a batch's windows, narrowest dimension first */
    List<Finding> findings(List<Window> counted) {
        long now = clock.millis();
        List<Finding> out = new ArrayList<>();
        for (Window w : counted) {
            signals.evaluate(w, baselines.of(w.dimension(), w.value(), now)).ifPresent(out::add);
        }
        return out;
    }

    @Override
    public void afterRound() {
        long now = clock.millis();
        if (now < nextSweep) {
            return;
        }
        nextSweep = now + SWEEP_EVERY.toMillis();
        try {
            blocks.releaseExpired();
        } catch (RuntimeException e) {
            LOG.warnf("defence: expired blocks not released this time: %s", e.toString());
        }
    }

    @Override
    public void failed(Exception e) {
        LOG.warnf("defence batch failed (handed again next round): %s", e.toString());
    }
}
