package io.callauth.webhooks;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README's receiver examples, as a reader pastes them: the Java block compiled and called, the Node.js block run with
 * {@code node}, each on requests signed by {@link Signatures} (valid ones, a rotation, and each way one can be wrong).
 */
class WebhooksReadmeTest {

    /** one request as a receiver sees it, and whether it must pass */
    record Case(String name, String secret, String id, String timestamp, String signature, String body,
                boolean valid) {
    }

    static List<Case> cases;

    @BeforeAll
    static void sign() {
        String secret = Signatures.newSecret();
        String old = Signatures.newSecret();
        long now = Instant.now().getEpochSecond();
        String body = "{\"type\":\"verification.approved\",\"timestamp\":\"2026-12-06T09:41:07.512Z\",\"data\":"
                + "{\"verificationId\":\"vf_0123\",\"status\":\"approved\",\"appId\":\"ünïcödé ✓\"}}";
        String batch = "[{\"id\":\"evt_1\",\"type\":\"verification.started\",\"timestamp\":\"2026-12-06T09:41:07Z\","
                + "\"data\":{}},{\"id\":\"evt_2\",\"type\":\"attempt.refused\",\"timestamp\":\"2026-12-06T09:41:08Z\","
                + "\"data\":{}}]";
        String single = Signatures.sign("evt_1", now, body, List.of(secret));
        String rotated = Signatures.sign("evt_1", now, body, List.of(secret, old));
        cases = List.of(
                new Case("signed", secret, "evt_1", Long.toString(now), single, body, true),
                new Case("a batch", secret, "batch_1", Long.toString(now),
                        Signatures.sign("batch_1", now, batch, List.of(secret)), batch, true),
                new Case("a rotation, new secret", secret, "evt_1", Long.toString(now), rotated, body, true),
                new Case("a rotation, old secret", old, "evt_1", Long.toString(now), rotated, body, true),
                new Case("a minute old", secret, "evt_1", Long.toString(now - 60),
                        Signatures.sign("evt_1", now - 60, body, List.of(secret)), body, true),
                new Case("another secret", Signatures.newSecret(), "evt_1", Long.toString(now), single, body, false),
                new Case("a changed body", secret, "evt_1", Long.toString(now), single,
                        body.replace("approved", "failed"), false),
                new Case("another id", secret, "evt_2", Long.toString(now), single, body, false),
                new Case("another timestamp", secret, "evt_1", Long.toString(now + 1), single, body, false),
                new Case("ten minutes old, validly signed", secret, "evt_1", Long.toString(now - 600),
                        Signatures.sign("evt_1", now - 600, body, List.of(secret)), body, false),
                new Case("ten minutes ahead, validly signed", secret, "evt_1", Long.toString(now + 600),
                        Signatures.sign("evt_1", now + 600, body, List.of(secret)), body, false),
                new Case("another scheme", secret, "evt_1", Long.toString(now), single.replace("v1,", "v2,"), body,
                        false),
                new Case("no signature", secret, "evt_1", Long.toString(now), "", body, false));
    }

    static String block(String lang, String firstLine) throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Matcher m = Pattern.compile("```" + lang + "\\n(" + Pattern.quote(firstLine) + ".*?)```", Pattern.DOTALL)
                .matcher(readme);
        assertThat(m.find()).as("README has the block starting with " + firstLine).isTrue();
        return m.group(1);
    }

    @Test
    void theJavaReceiverExampleVerifiesOurSignatures(@TempDir Path dir) throws Exception {
        Path source = dir.resolve("CallauthWebhook.java");
        Files.writeString(source, block("java", "// webhook receiver (Java)"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int status = javac.run(null, null, errors, "-d", dir.toString(), source.toString());
        assertThat(status).as("the README's Java block compiles: " + errors).isZero();
        try (URLClassLoader loader = new URLClassLoader(new URL[]{dir.toUri().toURL()}, null)) {
            Method verify = loader.loadClass("CallauthWebhook").getDeclaredMethod("verify", String.class,
                    String.class, String.class, String.class, String.class);
            verify.setAccessible(true);
            for (Case c : cases) {
                boolean got = (boolean) verify.invoke(null, c.secret(), c.id(), c.timestamp(), c.signature(), c.body());
                assertThat(got).as(c.name()).isEqualTo(c.valid());
            }
        }
    }

    @Test
    void theNodeReceiverExampleVerifiesOurSignatures(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(nodeVersion() != null, "node is not installed: the README's Node.js receiver example "
                + "is not run here (CI has node; Debian/Ubuntu: apt-get install nodejs)");
        List<Map<String, Object>> input = new ArrayList<>();
        for (Case c : cases) {
            for (boolean buffer : List.of(false, true)) { // the body as a string, and as Express's raw Buffer
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("secret", c.secret());
                m.put("headers", Map.of("webhook-id", c.id(), "webhook-timestamp", c.timestamp(),
                        "webhook-signature", c.signature()));
                m.put("body", c.body());
                m.put("buffer", buffer);
                input.add(m);
            }
        }
        Path cases = dir.resolve("cases.json");
        Files.writeString(cases, new ObjectMapper().writeValueAsString(input));
        Path script = dir.resolve("receiver.js");
        Files.writeString(script, block("js", "// webhook receiver (Node.js)") + """

                const cases = JSON.parse(require('node:fs').readFileSync(process.argv[2], 'utf8'));
                console.log(JSON.stringify(cases.map((c) => verifyCallauthWebhook(c.secret, c.headers,
                  c.buffer ? Buffer.from(c.body, 'utf8') : c.body))));
                """);
        Process p = new ProcessBuilder("node", script.toString(), cases.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("node ends").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.exitValue()).as(out).isZero();
        boolean[] got = new ObjectMapper().readValue(out, boolean[].class);
        assertThat(got).hasSize(input.size());
        for (int i = 0; i < got.length; i++) {
            Case c = WebhooksReadmeTest.cases.get(i / 2);
            assertThat(got[i]).as(c.name() + (i % 2 == 1 ? " (Buffer body)" : " (string body)")).isEqualTo(c.valid());
        }
    }

    /** {@code node --version}, or null when there is no node */
    static String nodeVersion() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (Exception e) {
            return null;
        }
    }
}
