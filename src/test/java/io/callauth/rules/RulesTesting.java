package io.callauth.rules;

import io.quarkus.redis.datasource.RedisDataSource;

/** Test helpers: an empty rule set, seen at once by this replica. */
final class RulesTesting {

    private RulesTesting() {
    }

    static void clear(RedisDataSource redis, Rules rules) {
        redis.execute("DEL", Rules.SET, Rules.HITS, Rules.AUDIT);
        redis.execute("INCR", Rules.VERSION);
        rules.refresh().await().indefinitely();
    }
}
