package io.callauth.common;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rule "a pending verification past its expiry is expired" is written once, in the prelude every script that
 * reads the expiry includes. Every script of {@code src/main/resources/scripts} is checked, so a new one is covered
 * without being named here.
 */
class LuaPreludeTest {

    static final Path SCRIPTS = Path.of("src/main/resources/scripts");
    static final String PRELUDE = "verification-prelude";

    /** the scripts' names (without .lua), from the directory itself */
    static List<String> scripts() throws Exception {
        try (Stream<Path> files = Files.list(SCRIPTS)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".lua"))
                    .map(n -> n.substring(0, n.length() - ".lua".length())).sorted().toList();
        }
    }

    @Test
    void everyScriptThatReadsTheExpiryTakesTheRuleFromThePrelude() throws Exception {
        List<String> all = scripts();
        // the directory is the one the application loads its scripts from
        assertThat(all).contains(PRELUDE, "verification-check", "verification-create");
        List<String> readers = all.stream().filter(n -> !n.equals(PRELUDE)).filter(n -> raw(n).contains("expiresAt"))
                .toList();
        // today's readers of the expiry, at least: the selection above must keep finding them
        assertThat(readers).contains("verification-check", "verification-expire", "verification-transition",
                "verification-reserve-call");
        for (String name : readers) {
            String raw = raw(name);
            assertThat(raw).as(name).contains("--#include " + PRELUDE).contains("expire_if_due(");
            assertThat(LuaScript.fromResource(name).sha()).as(name + " is hashed with its prelude")
                    .isNotEqualTo(LuaScript.of(name, raw).sha());
        }
        // no script but the prelude ends a verification as expired by itself
        for (String name : all) {
            if (!name.equals(PRELUDE)) {
                assertThat(raw(name)).as(name).doesNotContainPattern("'status',\\s*'expired'");
            }
        }
    }

    private static String raw(String name) {
        try {
            return Files.readString(SCRIPTS.resolve(name + ".lua"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
