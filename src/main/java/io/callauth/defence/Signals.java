package io.callauth.defence;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The signals over one dimension's windows, against its baseline, with the thresholds of
 * {@code callauth.defence.thresholds}. Pure: the same windows give the same finding.
 * <ul>
 *   <li>ranges: {@link Signal#BURST} (short window), {@link Signal#SPREAD} (long window), {@link Signal#NEIGHBOURS},
 *   {@link Signal#ANSWERED_UNCHECKED}; each needs a conversion at or below the range maximum (approvals lag a start
 *   by seconds, so the long window's approvals are read);</li>
 *   <li>carriers, countries, apps: {@link Signal#CONVERSION_COLLAPSE}, a volume both above a floor and a multiple of
 *   the baseline, with the conversion down to a fraction of the baseline's (a marketing spike keeps its conversion:
 *   never blocked);</li>
 *   <li>client networks and devices: {@link Signal#SOURCE}.</li>
 * </ul>
 * A fresh share (numbers never seen approved) is required everywhere but for answered-unchecked voice calls, whose
 * numbers an attacker may reuse.
 */
public final class Signals {

    private final DefenceConfig.Thresholds t;
    private final double windowRatio;
    private final long shortSeconds;
    private final long longSeconds;

    public Signals(DefenceConfig config) {
        this.t = config.thresholds();
        this.shortSeconds = config.shortWindow().toSeconds();
        this.longSeconds = config.longWindow().toSeconds();
        this.windowRatio = (double) longSeconds / Math.max(1, shortSeconds);
    }

    public Optional<Finding> evaluate(Window w, Baseline b) {
        Window.Counts r = w.recent();
        Window.Counts l = w.window();
        double rateFloor = t.rateFactor() * b.starts();
        switch (w.dimension()) {
            case RANGE -> {
                boolean noApprovals = l.conversion() <= t.rangeMaxConversion();
                if (!noApprovals) {
                    return Optional.empty();
                }
                if (r.starts() >= t.burstStarts() && r.freshShare() >= t.minNewShare()
                        && r.starts() * windowRatio >= rateFloor) {
                    return found(w, Signal.BURST, r, shortSeconds, b);
                }
                if (l.starts() >= t.rangeStarts() && l.freshShare() >= t.minNewShare() && l.starts() >= rateFloor) {
                    return found(w, Signal.SPREAD, l, longSeconds, b);
                }
                if (l.neighbours() >= t.neighbours()) {
                    return found(w, Signal.NEIGHBOURS, l, longSeconds, b);
                }
                if (l.answeredUnchecked() >= t.answeredUnchecked() && l.checks() * 5 <= l.answered()) {
                    return found(w, Signal.ANSWERED_UNCHECKED, l, longSeconds, b);
                }
                return Optional.empty();
            }
            case CARRIER, COUNTRY, APP -> {
                if (l.starts() >= t.wideStarts() && l.starts() >= rateFloor
                        && l.conversion() <= t.wideConversionDrop() * b.conversion()
                        && l.freshShare() >= t.wideNewShare()) {
                    return found(w, Signal.CONVERSION_COLLAPSE, l, longSeconds, b);
                }
                return Optional.empty();
            }
            default -> {
                int floor = w.dimension() == Dimension.NETWORK ? t.networkStarts() : t.deviceStarts();
                if (l.starts() >= floor && l.conversion() <= t.rangeMaxConversion()
                        && l.freshShare() >= t.minNewShare()) {
                    return found(w, Signal.SOURCE, l, longSeconds, b);
                }
                return Optional.empty();
            }
        }
    }

    private static Optional<Finding> found(Window w, Signal s, Window.Counts c, long seconds, Baseline b) {
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("signal", s.wire());
        ev.put("windowSeconds", seconds);
        ev.putAll(Window.figures(c));
        ev.put("approvedInLongWindow", w.window().approved());
        ev.put("baselineStarts", Window.round(b.starts()));
        ev.put("baselineConversion", Window.round(b.conversion()));
        ev.put("baselineLearned", b.learned());
        return Optional.of(new Finding(w.dimension(), w.value(), s, ev));
    }
}
