package io.callauth.defence;

import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.util.List;

/** The defence as the API and the console show it: its mode, its blocks (active first, then recent), hot ranges. */
@ApplicationScoped
public class DefenceState {

    private final AutoBlocks blocks;
    private final HotRanges hot;
    private final DefenceConfig config;
    private final Clock clock;

    public DefenceState(AutoBlocks blocks, HotRanges hot, DefenceConfig config, Clock clock) {
        this.blocks = blocks;
        this.hot = hot;
        this.config = config;
        this.clock = clock;
    }

    public DefenceResource.View view(int hottest) {
        List<DefenceBlock> all = blocks.all();
        return new DefenceResource.View(config.mode().wire(), all, hot.hottest(hottest));
    }

    /** whether a block is in force now */
    public boolean active(DefenceBlock b) {
        return b.active(clock.instant());
    }
}
