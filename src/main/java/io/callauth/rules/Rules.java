package io.callauth.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callauth.common.ApiProblem;
import io.callauth.common.Ids;
import io.callauth.common.LuaScript;
import io.callauth.common.Timestamps;
import io.callauth.verification.AbuseGuard;
import io.callauth.phone.PhoneNumbers;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The fraud team's runtime rules: the store in Redis, each replica's in-memory copy, and the Java API the console
 * calls ({@link #create}, {@link #list}, {@link #delete}, {@link #audit}).
 *
 * <p>Redis keys (one hash tag, so every script's keys live on one Redis Cluster slot): {@code ca:{rules}:set} (rule
 * id to JSON), {@code ca:{rules}:version} (incremented by every change, in the same script), {@code ca:{rules}:hits}
 * (rule id to hit count, incremented by every replica) and {@code ca:{rules}:audit} (the audit trail, newest
 * first, never trimmed: changes are rare).
 *
 * <p>Propagation: the start path reads only this replica's copy (a volatile reference; no Redis read). A Vert.x
 * timer on every replica GETs the version every {@code callauth.rules.refresh-interval} (250 ms) and, only when it
 * changed, reloads the rule set with one script call. A change made through a replica is applied there before the
 * API answers; the others follow within one interval plus one reload.
 */
@ApplicationScoped
public class Rules {

    private static final Logger LOG = Logger.getLogger(Rules.class);

    static final String SET = "ca:{rules}:set";
    static final String VERSION = "ca:{rules}:version";
    static final String HITS = "ca:{rules}:hits";
    static final String AUDIT = "ca:{rules}:audit";
    static final int MAX_REASON = 500;
    static final int MAX_AUDIT = 1000;
    public static final String SYSTEM = "system";

    /** put a rule or delete one; both bump the version and append to the audit trail */
    private static final LuaScript CHANGE = LuaScript.fromResource("rules-change");
    /** the version and the rule set, read together */
    private static final LuaScript LOAD = LuaScript.fromResource("rules-load");
    /** the rule set and the hit counts, read together */
    private static final LuaScript LIST = LuaScript.fromResource("rules-list");
    private static final LuaScript HIT = LuaScript.fromResource("rules-hit");

    private final ReactiveRedisDataSource redis;
    private final PhoneNumbers phones;
    private final ObjectMapper json;
    private final Clock clock;
    private final Vertx vertx;
    private final RulesConfig config;
    private final jakarta.enterprise.inject.Instance<RuleChanges> listeners;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile Snapshot snapshot;
    private volatile long timer = -1;

    public Rules(ReactiveRedisDataSource redis, PhoneNumbers phones, ObjectMapper json, Clock clock, Vertx vertx,
                 RulesConfig config, jakarta.enterprise.inject.Instance<RuleChanges> listeners) {
        this.redis = redis;
        this.phones = phones;
        this.json = json;
        this.clock = clock;
        this.vertx = vertx;
        this.config = config;
        this.listeners = listeners;
    }

    // ---------------------------------------------------------------- the console's API

    /** validates and stores a rule; 400 {@code invalid_request} (an ApiProblem) for a bad one */
    public Uni<Rule> create(RuleRequest req, String actor) {
        return create(req, actor, Rule.API);
    }

    /**
     * Stores a rule of the automatic defence ({@code source: auto}): validated like any rule, and it must expire.
     * The defence makes sure there is one per dimension and value (see io.callauth.defence).
     */
    public Uni<Rule> createAuto(RuleRequest req, String actor) {
        if (req != null && req.expiresAt() == null) {
            return Uni.createFrom().failure(ApiProblem.invalidRequest("an automatic rule must expire"));
        }
        return create(req, actor, Rule.AUTO);
    }

    private Uni<Rule> create(RuleRequest req, String actor, String source) {
        Rule rule;
        try {
            Rule v = validate(req, actor);
            rule = new Rule(v.id(), v.action(), v.match(), v.mode(), v.reason(), v.expiresAt(), v.createdAt(),
                    v.createdBy(), null, source);
        } catch (ApiProblem p) {
            return Uni.createFrom().failure(p);
        }
        AuditEntry entry = new AuditEntry(rule.createdAt(), rule.createdBy(), "create", rule.id(), null, rule);
        return CHANGE.call(redis, keys(), List.of("put", rule.id(), write(rule), write(entry)))
                .invoke(() -> LOG.infof("rule %s created by %s: %s %s=%s (%s)", rule.id(), actor, rule.action(),
                        rule.field().wire(), rule.field().personal() ? "…" : rule.value(), rule.mode()))
                .invoke(() -> tell(RuleChanges.Change.CREATED, rule, actor))
                .chain(() -> refreshNow())
                .replaceWith(rule.withHits(0));
    }

    /** the rules in force (expired ones left out), oldest first, with their hit counts */
    public Uni<List<Rule>> list() {
        return LIST.call(redis, List.of(SET, HITS), List.of()).map(r -> {
            Map<String, String> hits = pairs(r.get(1));
            long now = clock.millis();
            return parseAll(pairs(r.get(0))).stream().filter(rule -> !rule.expiredAt(now))
                    .map(rule -> rule.withHits(parseLong(hits.get(rule.id()))))
                    .toList();
        });
    }

    /** one rule in force (not expired), with its hit count */
    public Uni<Optional<Rule>> get(String id) {
        return list().map(all -> all.stream().filter(r -> r.id().equals(id)).findFirst());
    }

    /** true when the rule existed and was removed */
    public Uni<Boolean> delete(String id, String actor) {
        return remove(id, actor, "delete");
    }

    /** the newest {@code limit} (1 to 1000) changes, newest first */
    public Uni<List<AuditEntry>> audit(int limit) {
        if (limit < 1 || limit > MAX_AUDIT) {
            return Uni.createFrom().failure(ApiProblem.invalidRequest("limit must be 1 to " + MAX_AUDIT));
        }
        return redis.execute("LRANGE", AUDIT, "0", Integer.toString(limit - 1)).map(r -> {
            List<AuditEntry> out = new ArrayList<>();
            if (r != null) {
                for (Response item : r) {
                    try {
                        out.add(json.readValue(item.toString(), AuditEntry.class));
                    } catch (JsonProcessingException e) {
                        LOG.warnf("unreadable rule audit entry skipped: %s", e.getOriginalMessage());
                    }
                }
            }
            return out;
        });
    }

    private Uni<Boolean> remove(String id, String actor, String action) {
        if (id == null || !id.matches("rl_[0-9a-f]{16}")) {
            return Uni.createFrom().item(false);
        }
        Map<String, Object> head = new LinkedHashMap<>();
        head.put("at", clock.instant());
        head.put("actor", actor);
        head.put("action", action);
        head.put("ruleId", id);
        head.put("after", null);
        String h = write(head);
        String prefix = h.substring(0, h.length() - 1) + ",\"before\":";
        return CHANGE.call(redis, keys(), List.of("del", id, "", prefix)).chain(r -> {
            boolean removed = r != null && !r.toString().isEmpty();
            if (removed) {
                LOG.infof("rule %s %s by %s", id, action.equals("expire") ? "expired" : "deleted", actor);
                try {
                    tell(RuleChanges.Change.DELETED, json.readValue(r.toString(), Rule.class), actor);
                } catch (JsonProcessingException e) {
                    LOG.warnf("deleted rule %s not told to its listeners: %s", id, e.getOriginalMessage());
                }
            }
            return refreshNow().replaceWith(removed);
        });
    }

    /** tells every {@link RuleChanges} of a stored change; a listener that fails is logged, never fails the change */
    private void tell(RuleChanges.Change change, Rule rule, String actor) {
        Instant at = clock.instant();
        for (RuleChanges l : listeners) {
            try {
                l.changed(change, rule, actor, at);
            } catch (RuntimeException e) {
                LOG.warnf("a listener of rule changes failed: %s", e.toString());
            }
        }
    }

    private static List<String> keys() {
        return List.of(SET, VERSION, AUDIT, HITS);
    }

    // ---------------------------------------------------------------- validation

    Rule validate(RuleRequest req, String actor) {
        if (req == null) {
            throw ApiProblem.invalidRequest("a JSON body with action, match, mode and reason is required");
        }
        if (!Rule.BLOCK.equals(req.action()) && !Rule.ALLOW.equals(req.action())) {
            throw ApiProblem.invalidRequest("action must be block or allow");
        }
        if (!Rule.ENFORCE.equals(req.mode()) && !Rule.MONITOR.equals(req.mode())) {
            throw ApiProblem.invalidRequest("mode must be enforce or monitor");
        }
        if (req.reason() == null || req.reason().isBlank()) {
            throw ApiProblem.invalidRequest("reason is required");
        }
        if (req.reason().length() > MAX_REASON) {
            throw ApiProblem.invalidRequest("reason is longer than " + MAX_REASON + " characters");
        }
        if (req.match() == null || req.match().size() != 1) {
            throw ApiProblem.invalidRequest("match must have exactly one of " + RuleField.names());
        }
        Map.Entry<String, Object> m = req.match().entrySet().iterator().next();
        RuleField field = RuleField.parse(m.getKey()).orElseThrow(() -> ApiProblem.invalidRequest(
                "match." + m.getKey() + " is not a match field (" + RuleField.names() + ")"));
        if (!(m.getValue() instanceof String raw) || raw.isBlank()) {
            throw ApiProblem.invalidRequest("match." + field.wire() + " must be a non-empty string");
        }
        String value = field.normalise(raw, phones);
        Instant now = clock.instant();
        Instant expiresAt = null;
        if (req.expiresAt() != null) {
            expiresAt = Timestamps.require(req.expiresAt(), "expiresAt");
            if (!expiresAt.isAfter(now)) {
                throw ApiProblem.invalidRequest("expiresAt is not in the future");
            }
        }
        return new Rule(Ids.random("rl_", 8), req.action(), Map.of(field.wire(), value), req.mode(), req.reason(),
                expiresAt, now, actor == null || actor.isBlank() ? "unknown" : actor, null);
    }

    // ---------------------------------------------------------------- this replica's copy

    /** the rule set as this replica knows it; loads it once if it never could before */
    Uni<Snapshot> snapshot() {
        Snapshot s = snapshot;
        if (s != null) {
            return Uni.createFrom().item(s);
        }
        return load().onFailure().recoverWithItem(t -> {
            LOG.warnf("rules not loaded (%s): none enforced until they are", t.toString());
            return Snapshot.EMPTY;
        });
    }

    /** counts one hit for each rule, in Redis; a failure is logged, never holds up the start */
    Uni<Void> hit(List<String> ids) {
        return HIT.call(redis, List.of(HITS), ids).replaceWithVoid().onFailure().recoverWithUni(t -> {
            LOG.debugf("rule hits not counted: %s", t.toString());
            return Uni.createFrom().voidItem();
        });
    }

    /** checks the version (one GET) and reloads when it changed; also expires what is past its expiresAt */
    public Uni<Void> refresh() {
        return redis.execute("GET", VERSION).chain(v -> {
            long version = v == null ? 0 : parseLong(v.toString());
            Snapshot s = snapshot;
            Uni<Snapshot> current = s != null && s.version() == version ? Uni.createFrom().item(s) : load();
            return current.chain(this::expire);
        });
    }

    /** reload at once (after a change made here): read-your-writes on this replica */
    private Uni<Void> refreshNow() {
        return load().replaceWithVoid().onFailure().recoverWithUni(t -> {
            LOG.warnf("rules not reloaded after a change (%s); the timer retries", t.toString());
            return Uni.createFrom().voidItem();
        });
    }

    private Uni<Snapshot> load() {
        return LOAD.call(redis, List.of(VERSION, SET), List.of()).map(r -> {
            long version = parseLong(r.get(0).toString());
            Snapshot loaded = Snapshot.of(version, parseAll(pairs(r.get(1))));
            synchronized (this) {
                Snapshot s = snapshot;
                if (s == null || s.version() <= version) {
                    snapshot = loaded;
                    return loaded;
                }
                return s;
            }
        });
    }

    /** removes (with an audit entry by {@value #SYSTEM}) the rules whose expiresAt passed; any replica may */
    private Uni<Void> expire(Snapshot s) {
        long now = clock.millis();
        Uni<Void> done = Uni.createFrom().voidItem();
        for (Snapshot.Compiled c : s.rules()) {
            if (c.rule().expiredAt(now)) {
                done = done.chain(() -> remove(c.rule().id(), SYSTEM, "expire").replaceWithVoid());
            }
        }
        return done;
    }

    void onStart(@Observes StartupEvent event) {
        long every = Math.max(50, config.refreshInterval().toMillis());
        timer = vertx.setPeriodic(every, every, id -> {
            if (!refreshing.compareAndSet(false, true)) {
                return;
            }
            refresh().subscribe().with(ok -> refreshing.set(false), t -> {
                refreshing.set(false);
                LOG.debugf("rules refresh failed: %s", t.toString());
            });
        });
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    // ---------------------------------------------------------------- parsing

    private List<Rule> parseAll(Map<String, String> raw) {
        List<Rule> out = new ArrayList<>();
        for (Map.Entry<String, String> e : raw.entrySet()) {
            try {
                out.add(json.readValue(e.getValue(), Rule.class));
            } catch (JsonProcessingException ex) {
                LOG.warnf("unreadable rule %s skipped: %s", e.getKey(), ex.getOriginalMessage());
            }
        }
        out.sort(Comparator.comparing(Rule::createdAt).thenComparing(Rule::id));
        return out;
    }

    private static Map<String, String> pairs(Response r) {
        Map<String, String> m = new LinkedHashMap<>();
        if (r == null) {
            return m;
        }
        for (int i = 0; i + 1 < r.size(); i += 2) {
            m.put(r.get(i).toString(), r.get(i + 1).toString());
        }
        return m;
    }

    private static long parseLong(String s) {
        if (s == null) {
            return 0;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private String write(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + o.getClass().getSimpleName(), e);
        }
    }
}
