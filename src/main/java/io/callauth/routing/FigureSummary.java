package io.callauth.routing;

import java.util.List;

/**
 * Every group's figures as one worker computed them at {@code at} (epoch ms): the compact summary every replica reads
 * once a second (one key), so that the start path reads memory only and two replicas choose from the same figures.
 */
public record FigureSummary(long at, List<GroupFigures> groups) {

    public static final FigureSummary EMPTY = new FigureSummary(0, List.of());
}
