package io.callauth.common;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Dev mode's Ctrl+C: the JVM that started the embedded PostgreSQL ends, and the server must end with it, stopped once
 * (two shutdown hooks, zonky's and ours, used to race: "Could not stop postmaster", and one stop in three left the
 * server running over a deleted data directory). A JVM of its own starts the server and exits, three times.
 */
class EmbeddedPostgresExitTest {

    /** the child JVM: starts the server, says where it is, exits through the shutdown hooks */
    public static void main(String[] args) throws Exception {
        EmbeddedPostgresConfigSource.ensureStarted();
        Path dir = EmbeddedPostgresConfigSource.dataDirectory();
        String pid = Files.readAllLines(dir.resolve("postmaster.pid")).get(0).trim();
        System.out.println("POSTMASTER " + pid + " " + dir);
        System.exit(0);
    }

    @Test
    void theServerEndsWithTheJvmThatStartedItStoppedOnce() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int run = 0; run < 3; run++) {
            Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    EmbeddedPostgresExitTest.class.getName()).redirectErrorStream(true).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the JVM ends").isTrue();
            String out = new String(p.getInputStream().readAllBytes());
            Matcher m = Pattern.compile("POSTMASTER (\\d+) (\\S+)").matcher(out);
            assertThat(m.find()).as("the child started a server; it said:\n" + out).isTrue();
            long postmaster = Long.parseLong(m.group(1));
            Path dir = Path.of(m.group(2));
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).as("stopped once, quietly").doesNotContain("Could not stop").doesNotContain("Failed to stop");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false))
                        .as("postmaster %d still running after its JVM ended", postmaster).isFalse();
                assertThat(dir).doesNotExist();
            });
        }
    }
}
