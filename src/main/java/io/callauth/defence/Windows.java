package io.callauth.defence;

import io.callauth.attempts.AttemptType;
import io.callauth.background.StreamEntry;
import io.callauth.common.LuaScript;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The defence's sliding windows in Redis: per dimension and value, buckets of {@code callauth.defence.bucket}
 * (10 s) in a hash, counted by one script call per value and batch ({@code defence-window.lua}), which also answers
 * the window's sums (no second read).
 *
 * <p>Keys: {@code ca:def:{<dimension>:<value>}:w} (buckets), {@code :ids} (the stream entries counted: a batch handed
 * twice, after a crash or a claim, counts nothing the second time), {@code :seen} (numbers approved in the last 30
 * days; ranges only) and {@code :nums} (numbers started in the window, scored by the number: neighbours and repeats;
 * ranges only). The hash tag is the dimension and value, so a value's keys share one Cluster slot and different values
 * spread over the cluster. Ranges are counted first: whether a start's number was never seen is known from its range,
 * and handed to the other dimensions' calls.
 */
@ApplicationScoped
public class Windows {

    private static final LuaScript WINDOW = LuaScript.fromResource("defence-window");
    private static final Duration AWAIT = Duration.ofSeconds(10);

    private final ReactiveRedisDataSource redis;
    private final DefenceConfig config;
    private final Clock clock;

    public Windows(ReactiveRedisDataSource redis, DefenceConfig config, Clock clock) {
        this.redis = redis;
        this.config = config;
        this.clock = clock;
    }

    /** what a record counts as, or null when the defence does not count it */
    static String kind(io.callauth.attempts.AttemptRecord r) {
        AttemptType type = AttemptType.parse(r.type()).orElse(null);
        if (type == null) {
            return null;
        }
        return switch (type) {
            case STARTED -> "s";
            case APPROVED -> "a";
            case CHECK -> "ck";
            case CALL_OUTCOME -> "voice".equals(r.channel()) && "delivered".equals(r.outcome()) ? "vd" : null;
            default -> null;
        };
    }

    /** one record to count: its entry id, kind, bucket and number */
    record Item(String id, String kind, long bucket, String number, io.callauth.attempts.AttemptRecord record) {
    }

    /**
     * Counts a batch into every dimension's windows (blocking: a worker's thread) and answers each touched value's
     * window, ranges first.
     */
    public List<Window> count(List<StreamEntry> batch) {
        long bucketMillis = config.bucket().toMillis();
        List<Item> items = new ArrayList<>();
        for (StreamEntry e : batch) {
            String kind = kind(e.record());
            if (kind != null) {
                String phone = e.record().phone();
                String digits = phone == null ? "" : phone.replaceAll("[^0-9]", "");
                items.add(new Item(e.archiveId(), kind, e.record().at() / bucketMillis, digits, e.record()));
            }
        }
        List<Window> out = new ArrayList<>();
        if (items.isEmpty()) {
            return out;
        }
        Map<String, Boolean> fresh = new java.util.HashMap<>();
        out.addAll(countDimension(Dimension.RANGE, items, fresh));
        for (Dimension d : Dimension.values()) {
            if (d != Dimension.RANGE) {
                out.addAll(countDimension(d, items, fresh));
            }
        }
        return out;
    }

    private List<Window> countDimension(Dimension d, List<Item> items, Map<String, Boolean> fresh) {
        Map<String, List<Item>> byValue = new LinkedHashMap<>();
        for (Item i : items) {
            String v = d.of(i.record());
            if (v != null) {
                byValue.computeIfAbsent(v, k -> new ArrayList<>()).add(i);
            }
        }
        if (byValue.isEmpty()) {
            return List.of();
        }
        long now = clock.millis() / config.bucket().toMillis();
        long bucket = config.bucket().toMillis();
        String shortBuckets = Long.toString(Math.max(1, config.shortWindow().toMillis() / bucket));
        String longBuckets = Long.toString(Math.max(1, config.longWindow().toMillis() / bucket));
        String ttl = Long.toString(config.longWindow().toSeconds() + 300);
        String seenTtl = Long.toString(config.seenFor().toSeconds());
        String dist = Integer.toString(config.thresholds().neighbourDistance());
        List<Uni<Window>> calls = new ArrayList<>();
        for (Map.Entry<String, List<Item>> e : byValue.entrySet()) {
            String tag = "ca:def:{" + d.wire() + ":" + safe(e.getKey()) + "}:";
            List<String> args = new ArrayList<>(List.of(Long.toString(now), shortBuckets, longBuckets, ttl, seenTtl,
                    d == Dimension.RANGE ? "1" : "0", dist));
            for (Item i : e.getValue()) {
                args.add(i.id());
                args.add(i.kind());
                args.add(Long.toString(i.bucket()));
                args.add(i.number());
                args.add(Boolean.TRUE.equals(fresh.get(i.id())) ? "1" : "0");
            }
            List<Item> its = e.getValue();
            calls.add(WINDOW.call(redis, List.of(tag + "w", tag + "ids", tag + "seen", tag + "nums"), args)
                    .map(r -> {
                        if (d == Dimension.RANGE) {
                            String flags = r.get(12).toString();
                            for (int k = 0; k < its.size() && k < flags.length(); k++) {
                                if (flags.charAt(k) == '1') {
                                    synchronized (fresh) {
                                        fresh.put(its.get(k).id(), true);
                                    }
                                }
                            }
                        }
                        return new Window(d, e.getKey(), counts(r, 0), counts(r, 6));
                    }));
        }
        return Uni.join().all(calls).andFailFast().await().atMost(AWAIT);
    }

    private static Window.Counts counts(Response r, int from) {
        return new Window.Counts(r.get(from).toLong(), r.get(from + 1).toLong(), r.get(from + 2).toLong(),
                r.get(from + 3).toLong(), r.get(from + 4).toLong(), r.get(from + 5).toLong());
    }

    /** a value as it may stand in a hash tag: no braces (a free-text app or device id is hashed when it has one) */
    static String safe(String v) {
        if (v.indexOf('{') < 0 && v.indexOf('}') < 0) {
            return v;
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(v.getBytes(StandardCharsets.UTF_8));
            return "h" + HexFormat.of().formatHex(h, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
