package io.callauth.defence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callauth.attempts.AttemptLog;
import io.callauth.attempts.AttemptRecords;
import io.callauth.attempts.AttemptType;
import io.callauth.common.ApiProblem;
import io.callauth.common.Ids;
import io.callauth.common.LuaScript;
import io.callauth.phone.Carriers;
import io.callauth.rules.Rule;
import io.callauth.rules.RuleField;
import io.callauth.rules.RuleRequest;
import io.callauth.rules.Rules;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The defence's actions: temporary block rules ({@code source: auto}) through {@link Rules}, one per (dimension,
 * value) however many workers race for it (the {@code defence-block} script's guard), escalated for repeats within
 * 7 days (15 min, 1 h, 6 h, 24 h), never where an enforced allow rule covers the value; their end, once (expired,
 * noticed by a worker; or released by hand, optionally with an allow rule for some days); each block and release an
 * attempt record ({@code auto_block}, {@code auto_block_released}).
 *
 * <p>Redis keys, one hash tag ({@code {defence}}, blocks are rare): {@code ca:{defence}:blocks} (rule id to the
 * block's JSON), {@code :released} (rule id to when it ended: the once-only mark), {@code :guard:<dim>:<value>} and
 * {@code :repeats:<dim>:<value>}.
 *
 * <p>If a worker dies between the guard and the rule, the guard's pending hold ends after 30 s and the next worker
 * blocks again (that repeat counts one level up: a rare escalation rather than a forgotten block).
 */
@ApplicationScoped
public class AutoBlocks {

    private static final Logger LOG = Logger.getLogger(AutoBlocks.class);
    static final String BLOCKS = "ca:{defence}:blocks";
    static final String RELEASED = "ca:{defence}:released";
    private static final Duration PENDING = Duration.ofSeconds(30);
    private static final Duration AWAIT = Duration.ofSeconds(10);
    private static final LuaScript GUARD = LuaScript.fromResource("defence-block");
    private static final LuaScript RELEASE = LuaScript.fromResource("defence-release");
    public static final String ACTOR = "defence";

    private final ReactiveRedisDataSource redis;
    private final Rules rules;
    private final AttemptLog log;
    private final ObjectMapper json;
    private final DefenceConfig config;
    private final Clock clock;
    /** guards this replica knows hold until then: spares a script call per batch during an attack (Redis decides) */
    private final Map<String, Long> knownHeld = new ConcurrentHashMap<>();

    public AutoBlocks(ReactiveRedisDataSource redis, Rules rules, AttemptLog log, ObjectMapper json,
                      DefenceConfig config, Clock clock) {
        this.redis = redis;
        this.rules = rules;
        this.log = log;
        this.json = json;
        this.config = config;
        this.clock = clock;
    }

    static String guard(Dimension d, String value) {
        return "ca:{defence}:guard:" + d.wire() + ":" + value;
    }

    static String repeats(Dimension d, String value) {
        return "ca:{defence}:repeats:" + d.wire() + ":" + value;
    }

    /** blocks what the finding names, unless a block holds or an allow rule covers it; the block made, if any */
    public Optional<DefenceBlock> block(Finding f) {
        return block(f, config.mode());
    }

    /** as {@link #block(Finding)}, in the given mode (tests: monitor and off in one application) */
    Optional<DefenceBlock> block(Finding f, DefenceMode mode) {
        if (mode == DefenceMode.OFF) {
            return Optional.empty();
        }
        String g = guard(f.dimension(), f.value());
        long now = clock.millis();
        Long held = knownHeld.get(g);
        if (held != null && held > now) {
            return Optional.empty();
        }
        List<Rule> inForce = rules.list().await().atMost(AWAIT);
        Optional<Rule> allow = inForce.stream().filter(r -> !r.blocks() && r.enforced())
                .filter(r -> covers(r, f.dimension(), f.value())).findFirst();
        if (allow.isPresent()) {
            knownHeld.put(g, now + PENDING.toMillis());
            LOG.debugf("defence: %s %s not blocked, the allow rule %s covers it", f.dimension().wire(),
                    f.value(), allow.get().id());
            return Optional.empty();
        }
        String token = Ids.random("", 8);
        Response level = GUARD.call(redis, List.of(g, repeats(f.dimension(), f.value())), List.of(
                Long.toString(now), Long.toString(config.repeatWithin().toMillis()), Long.toString(PENDING.toMillis()),
                token)).await().atMost(AWAIT);
        int n = level == null ? 0 : level.toInteger();
        if (n == 0) {
            knownHeld.put(g, now + 1000);
            return Optional.empty();
        }
        List<Duration> steps = config.escalation();
        Duration lasts = steps.get(Math.min(n, steps.size()) - 1);
        Instant since = Instant.ofEpochMilli(now);
        Instant until = since.plus(lasts);
        String ruleMode = mode == DefenceMode.MONITOR ? Rule.MONITOR : Rule.ENFORCE;
        Rule rule;
        try {
            rule = rules.createAuto(new RuleRequest(Rule.BLOCK, Map.of(f.dimension().field().wire(), f.value()),
                    ruleMode, truncate(f.reason()), until.toString()), ACTOR).await().atMost(AWAIT);
        } catch (RuntimeException e) {
            redis.execute("DEL", g).await().atMost(AWAIT);
            throw e;
        }
        DefenceBlock b = new DefenceBlock(rule.id(), f.dimension().wire(), f.value(), ruleMode, since, until,
                Math.min(n, steps.size()), f.evidence(), null, null);
        redis.execute("HSET", BLOCKS, rule.id(), write(b)).await().atMost(AWAIT);
        redis.execute("SET", g, rule.id(), "PX", Long.toString(lasts.toMillis())).await().atMost(AWAIT);
        knownHeld.put(g, until.toEpochMilli());
        log.append(record(AttemptType.AUTO_BLOCK, b, null, null)).await().atMost(AWAIT);
        LOG.warnf("defence: %s %s blocked (%s, level %d, until %s, rule %s): %s", f.dimension().wire(),
                f.dimension() == Dimension.DEVICE ? "…" : f.value(), ruleMode, b.level(), until, rule.id(),
                f.reason());
        return Optional.of(b);
    }

    /** whether an allow rule covers (overlaps) what a block of this dimension and value would refuse */
    static boolean covers(Rule allow, Dimension d, String value) {
        RuleField f = allow.field();
        String v = allow.value();
        if (f == d.field()) {
            if (d == Dimension.RANGE) {
                return v.startsWith(value) || value.startsWith(v);
            }
            return v.equalsIgnoreCase(value);
        }
        if (d == Dimension.RANGE) {
            return switch (f) {
                case PHONE -> v.startsWith("+" + value);
                case COUNTRY -> Carriers.regionOf("+" + value + "0000000").map(v::equals).orElse(false);
                case CARRIER -> Carriers.of("+" + value + "0000000").map(v::equalsIgnoreCase).orElse(false);
                default -> false;
            };
        }
        return d == Dimension.CARRIER && f == RuleField.PHONE && Carriers.of(v).map(value::equalsIgnoreCase)
                .orElse(false);
    }

    /**
     * Releases a block by hand: ends it, deletes its rule and, with {@code allowDays}, adds an allow rule for that
     * long. Empty when there is no such block; the block as released otherwise (a second release changes nothing).
     */
    public Optional<DefenceBlock> release(String ruleId, String actor, Integer allowDays) {
        if (allowDays != null && (allowDays < 1 || allowDays > 365)) {
            throw ApiProblem.invalidRequest("allowDays must be 1 to 365");
        }
        Optional<DefenceBlock> found = get(ruleId);
        if (found.isEmpty()) {
            return found;
        }
        DefenceBlock b = found.get();
        Instant now = clock.instant();
        String allowId = null;
        if (allowDays != null) {
            Rule allow = rules.create(new RuleRequest(Rule.ALLOW, Map.of(Dimension.parse(b.dimension()).orElseThrow()
                            .field().wire(), b.value()), Rule.ENFORCE, "released from the automatic block " + ruleId
                            + " by " + actor + ": allowed for " + allowDays + " days",
                    now.plus(Duration.ofDays(allowDays)).toString()), actor).await().atMost(AWAIT);
            allowId = allow.id();
        }
        DefenceBlock ended = end(b, actor, config.quietAfterRelease(), allowId);
        rules.delete(ruleId, actor).await().atMost(AWAIT);
        return Optional.of(ended);
    }

    /** ends the blocks whose rule expired (any worker; each recorded once); how many this call ended */
    public int releaseExpired() {
        Instant now = clock.instant();
        int n = 0;
        for (DefenceBlock b : all()) {
            if (b.releasedAt() == null && !b.until().isAfter(now)) {
                if (end(b, Rules.SYSTEM, Duration.ZERO, null).releasedBy().equals(Rules.SYSTEM)) {
                    n++;
                }
            } else if (b.releasedAt() != null && b.releasedAt().plus(config.keepReleased()).isBefore(now)) {
                redis.execute("HDEL", BLOCKS, b.ruleId()).await().atMost(AWAIT);
                redis.execute("HDEL", RELEASED, b.ruleId()).await().atMost(AWAIT);
            }
        }
        return n;
    }

    private DefenceBlock end(DefenceBlock b, String actor, Duration quiet, String allowRuleId) {
        Instant now = clock.instant();
        DefenceBlock ended = b.released(now, actor);
        Dimension d = Dimension.parse(b.dimension()).orElseThrow();
        Response r = RELEASE.call(redis, List.of(RELEASED, BLOCKS, guard(d, b.value())), List.of(b.ruleId(),
                Long.toString(now.toEpochMilli()), write(ended), Long.toString(quiet.toMillis())))
                .await().atMost(AWAIT);
        if (r == null || r.toInteger() == 0) {
            return get(b.ruleId()).orElse(ended); // released before: nothing to record
        }
        knownHeld.remove(guard(d, b.value()));
        log.append(record(AttemptType.AUTO_BLOCK_RELEASED, ended, actor, allowRuleId)).await().atMost(AWAIT);
        LOG.infof("defence: %s %s released by %s (rule %s)", b.dimension(), d == Dimension.DEVICE ? "…" : b.value(),
                actor, b.ruleId());
        return ended;
    }

    /** every block kept: active ones and those ended within {@code keep-released}, newest first */
    public List<DefenceBlock> all() {
        Response r = redis.execute("HGETALL", BLOCKS).await().atMost(AWAIT);
        List<DefenceBlock> out = new ArrayList<>();
        for (String v : values(r)) {
            try {
                out.add(json.readValue(v, DefenceBlock.class));
            } catch (JsonProcessingException e) {
                LOG.warnf("unreadable defence block skipped: %s", e.getOriginalMessage());
            }
        }
        out.sort(Comparator.comparing(DefenceBlock::since).reversed().thenComparing(DefenceBlock::ruleId));
        return out;
    }

    public Optional<DefenceBlock> get(String ruleId) {
        if (ruleId == null || !ruleId.matches("rl_[0-9a-f]{16}")) {
            return Optional.empty();
        }
        Response r = redis.execute("HGET", BLOCKS, ruleId).await().atMost(AWAIT);
        if (r == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(r.toString(), DefenceBlock.class));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    private io.callauth.attempts.AttemptRecord record(AttemptType type, DefenceBlock b, String by, String allowId) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("ruleId", b.ruleId());
        detail.put("dimension", b.dimension());
        detail.put("value", b.value());
        detail.put("mode", b.mode());
        detail.put("level", b.level());
        detail.put("since", b.since().toString());
        detail.put("until", b.until().toString());
        if (by != null) {
            detail.put("releasedBy", by);
            detail.put("expired", Rules.SYSTEM.equals(by));
        }
        if (allowId != null) {
            detail.put("allowRuleId", allowId);
        }
        detail.put("evidence", b.evidence());
        AttemptRecords.Builder rec = AttemptRecords.at(clock.millis(), type).rule("rule:" + b.ruleId())
                .reason(b.dimension()).detail(write(detail));
        Dimension d = Dimension.parse(b.dimension()).orElseThrow();
        switch (d) {
            case COUNTRY -> rec.phone(null, b.value());
            case APP -> rec.client(null, null, b.value(), null);
            default -> { }
        }
        return rec.build();
    }

    private static List<String> values(Response r) {
        List<String> out = new ArrayList<>();
        if (r == null) {
            return out;
        }
        if (r.type() == io.vertx.redis.client.ResponseType.MULTI && !r.getKeys().isEmpty()) {
            for (String k : r.getKeys()) {
                out.add(r.get(k).toString());
            }
            return out;
        }
        for (int i = 0; i + 1 < r.size(); i += 2) {
            out.add(r.get(i + 1).toString());
        }
        return out;
    }

    private String write(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String truncate(String s) {
        return s.length() <= 480 ? s : s.substring(0, 480).toLowerCase(Locale.ROOT);
    }
}
