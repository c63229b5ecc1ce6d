package io.callauth.rules;

import io.callauth.common.ApiProblem;
import io.callauth.verification.AbuseGuard;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The fraud team's rules on the start path, before every other guard (so a blocked start costs no rate-limit
 * token). Reads only this replica's copy of the rule set. An enforced {@code block} refuses (403
 * {@code destination_not_allowed}, {@code reason: rule}, {@code rule: rule:<id>}) and wins over any allow, except
 * an automatic one ({@code source: auto}, the defence's): an enforced allow always wins over that; a
 * {@code monitor} block is noted for the log and refuses nothing; an enforced {@code allow} safe-lists the attempt
 * for the geo permissions and the prefix limit. Every matching rule counts a hit (one Redis call, only when a rule
 * matched). Starts and resends; checks are not matched.
 */
@ApplicationScoped
public class RuleGuard implements AbuseGuard {

    private final Rules rules;
    private final Clock clock;

    public RuleGuard(Rules rules, Clock clock) {
        this.rules = rules;
        this.clock = clock;
    }

    @Override
    public int order() {
        return 5;
    }

    @Override
    public Uni<Void> admit(Attempt attempt) {
        if (attempt.action() == Action.CHECK || attempt.phone() == null) {
            return Uni.createFrom().voidItem();
        }
        return rules.snapshot().chain(s -> {
            List<Rule> matched = s.matching(attempt, clock.millis());
            if (matched.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            for (Rule r : matched) {
                if (!r.blocks() && r.enforced() && attempt.verdicts().allowedBy() == null) {
                    attempt.verdicts().safeList(r.id());
                }
            }
            boolean allowed = attempt.verdicts().safeListed();
            Rule block = null;
            for (Rule r : matched) {
                if (!r.blocks() || (r.auto() && allowed)) {
                    continue; // an allow wins over the defence's blocks, never over the fraud team's
                }
                if (!r.enforced()) {
                    attempt.verdicts().monitor(refusal(r));
                } else if (block == null) {
                    block = r;
                }
            }
            Rule refusing = block;
            return rules.hit(matched.stream().map(Rule::id).toList()).chain(() -> refusing == null
                    ? Uni.createFrom().voidItem() : Uni.createFrom().failure(refusal(refusing)));
        });
    }

    static ApiProblem refusal(Rule r) {
        return ApiProblem.destinationNotAllowed("this start is refused by " + (r.auto()
                ? "the automatic defence's rule " : "the fraud team's rule ") + r.id(), "rule",
                "rule:" + r.id(), Map.of("ruleId", r.id()));
    }
}
