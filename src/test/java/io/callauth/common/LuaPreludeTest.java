package io.callauth.common;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The rule "a pending verification past its expiry is expired" is written once, in the prelude every script includes. */
class LuaPreludeTest {

    @Test
    void everyVerificationScriptThatReadsTheExpiryTakesItFromThePrelude() throws Exception {
        for (String name : List.of("verification-check", "verification-expire", "verification-transition",
                "verification-reserve-call")) {
            String raw = new String(LuaScript.class.getResourceAsStream("/scripts/" + name + ".lua").readAllBytes());
            assertThat(raw).as(name).contains("--#include verification-prelude").contains("expire_if_due(")
                    .doesNotContain("'status', 'expired'");
            assertThat(LuaScript.fromResource(name).sha()).as(name + " is hashed with its prelude")
                    .isNotEqualTo(LuaScript.of(name, raw).sha());
        }
    }
}
