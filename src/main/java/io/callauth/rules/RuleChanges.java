package io.callauth.rules;

import java.time.Instant;

/**
 * Told of every change of the rules, after it is stored: how other capabilities (the webhooks' {@code rule.created} and
 * {@code rule.deleted} events) follow the rules without the rules knowing them. Called on the thread that made the
 * change, possibly an event loop: an implementation must not block (hand blocking work to a thread of its own) and
 * must not throw.
 */
public interface RuleChanges {

    /** what happened to a rule */
    enum Change {
        CREATED,
        /** deleted by a key or a console user, or ({@code actor} {@value Rules#SYSTEM}) expired */
        DELETED
    }

    void changed(Change change, Rule rule, String actor, Instant at);
}
