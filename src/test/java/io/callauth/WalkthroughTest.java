package io.callauth;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README's walkthrough, pasted as a newcomer would: the bash block that starts with "# walkthrough" runs with bash,
 * curl and jq against the app in the dev setup (the sandbox provider, the dev key), and must end approved.
 */
@QuarkusTest
@TestProfile(WalkthroughTest.Sandbox.class)
class WalkthroughTest {

    /** the dev setup: the sandbox phone, the dev key with the verify role */
    public static class Sandbox implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("callauth.providers.chain", "sandbox");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Test
    void theReadmeWalkthroughRunsAsWritten() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Matcher m = Pattern.compile("```bash\\n(# walkthrough.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(m.find()).as("README has the walkthrough block").isTrue();
        Path script = Files.createTempFile("walkthrough-", ".sh");
        Files.writeString(script, m.group(1));
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
        pb.environment().put("BASE", base.toString().replaceAll("/$", ""));
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the script ends").isTrue();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as("exit status; output:\n" + out + "\n(needs curl and jq: .ci/run installs them)")
                .isZero();
        assertThat(out).contains("\"valid\":true").contains("\"status\":\"approved\"")
                .containsPattern("started vf_[0-9a-f]{32}").containsPattern("the phone shows \\d{4}");
    }
}
