package io.callauth.common;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** EVALSHA, and on NOSCRIPT (an empty script cache after a restart or failover) EVAL with the source, which caches it. */
@QuarkusTest
class LuaScriptTest {

    @Inject
    ReactiveRedisDataSource redis;

    @Test
    void anEmptiedScriptCacheIsRefilledByTheCallItself() {
        LuaScript script = LuaScript.of("echo", "return {KEYS[1], ARGV[1]}");
        redis.execute("SCRIPT", "FLUSH").await().indefinitely();
        var r = script.call(redis, List.of("{t}:k"), List.of("v")).await().indefinitely();
        assertThat(r.get(0).toString()).isEqualTo("{t}:k");
        assertThat(r.get(1).toString()).isEqualTo("v");
        // the fallback ran it with EVAL, which cached it: the next call is EVALSHA again
        assertThat(redis.execute("SCRIPT", "EXISTS", script.sha()).await().indefinitely().get(0).toInteger()).isEqualTo(1);
        assertThat(script.call(redis, List.of("{t}:k"), List.of("w")).await().indefinitely().get(1).toString())
                .isEqualTo("w");
    }
}
