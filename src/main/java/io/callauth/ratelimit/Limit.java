package io.callauth.ratelimit;


import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A named rule with one or more windows, e.g. {@code destination = 3/10m,10/24h}. */
public record Limit(String rule, List<Window> windows) {

    public record Window(long count, Duration per) {
    }

    public boolean enabled() {
        return !windows.isEmpty();
    }

    public static Limit parse(String rule, String spec) {
        List<Window> out = new ArrayList<>();
        String s = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty() || s.equals("off") || s.equals("none")) {
            return new Limit(rule, List.of());
        }
        for (String part : s.split(",")) {
            String[] nd = part.trim().split("/");
            if (nd.length != 2) {
                throw new IllegalArgumentException("rate limit '" + rule + "': '" + part + "' is not N/duration");
            }
            long n = Long.parseLong(nd[0].trim());
            if (n <= 0) {
                throw new IllegalArgumentException("rate limit '" + rule + "': count must be positive");
            }
            out.add(new Window(n, duration(rule, nd[1].trim())));
        }
        return new Limit(rule, List.copyOf(out));
    }

    private static Duration duration(String rule, String d) {
        if (!d.matches("\\d+[smhd]")) {
            throw new IllegalArgumentException("rate limit '" + rule + "': '" + d + "' is not like 30s, 10m, 24h, 7d");
        }
        long v = Long.parseLong(d.substring(0, d.length() - 1));
        return switch (d.charAt(d.length() - 1)) {
            case 's' -> Duration.ofSeconds(v);
            case 'm' -> Duration.ofMinutes(v);
            case 'h' -> Duration.ofHours(v);
            default -> Duration.ofDays(v);
        };
    }
}
