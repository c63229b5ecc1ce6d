package io.callauth.rules;

import io.callauth.verification.AbuseGuard;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One version of the rule set as a replica matches it, immutable: each rule with its test compiled once (an ip rule's
 * range parsed once). {@link Rules} swaps it whole when the set's version changes.
 */
record Snapshot(long version, List<Compiled> rules) {
    static final Snapshot EMPTY = new Snapshot(-1, List.of());

    static Snapshot of(long version, List<Rule> rules) {
        return new Snapshot(version, rules.stream().map(Compiled::of).toList());
    }

    /** the rules in force at {@code now} that match the attempt, oldest first */
    List<Rule> matching(AbuseGuard.Attempt a, long now) {
        List<Rule> out = null;
        for (Compiled c : rules) {
            if (!c.rule().expiredAt(now) && c.matches(a)) {
                if (out == null) {
                    out = new ArrayList<>(2);
                }
                out.add(c.rule());
            }
        }
        return out == null ? List.of() : out;
    }

    Optional<Rule> byId(String id) {
        return rules.stream().map(Compiled::rule).filter(r -> r.id().equals(id)).findFirst();
    }

    /** a rule ready to match: its test compiled once */
    record Compiled(Rule rule, java.util.function.Predicate<AbuseGuard.Attempt> test) {

        static Compiled of(Rule r) {
            return new Compiled(r, r.field().matcher(r.value()));
        }

        boolean matches(AbuseGuard.Attempt a) {
            return test.test(a);
        }
    }
}
