package io.callauth;

import io.callauth.ratelimit.DefaultLimitsProfile;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README's walkthrough, pasted as a newcomer would: the bash block that starts with "# walkthrough" is typed into an
 * interactive bash (curl and jq) against the app in the dev setup: the sandbox provider, the dev key, and the
 * production rate limits, as dev mode has them.
 */
@QuarkusTest
@TestProfile(WalkthroughTest.Sandbox.class)
class WalkthroughTest {

    /** the dev setup: the sandbox phone, the dev key with the verify role, the production limits */
    public static class Sandbox extends DefaultLimitsProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            config.put("callauth.providers.chain", "sandbox");
            return config;
        }
    }

    @TestHTTPResource("/")
    URL base;

    /** the limits' counters of earlier tests (other classes use the same addresses) do not count here */
    @BeforeEach
    void clearLimits() {
        io.restassured.RestAssured.given().delete(base.toString() + "sandbox/limits").then().statusCode(204);
    }

    static String block() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Matcher m = Pattern.compile("```bash\\n(# walkthrough.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(m.find()).as("README has the walkthrough block").isTrue();
        return m.group(1);
    }

    /** types the input into an interactive bash, as a paste into a terminal; answers what the terminal showed */
    String paste(String input) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "--norc", "--noprofile", "-i").redirectErrorStream(true);
        pb.environment().put("BASE", base.toString().replaceAll("/$", ""));
        Process p = pb.start();
        try (var stdin = p.getOutputStream()) {
            stdin.write(input.getBytes());
        }
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("the shell ends").isTrue();
        return new String(p.getInputStream().readAllBytes());
    }

    // what the terminal shows of the block's own output (the shell echoes the pasted lines too, comments included)
    static final Pattern APPROVED = Pattern.compile("(?m)^\\{\"id\":\"vf_[0-9a-f]{32}\",\"valid\":true,\"status\":\"approved\"");
    static final Pattern STARTED = Pattern.compile("(?m)^started vf_[0-9a-f]{32} for \\+7916\\d{7}$");
    static final Pattern REFUSED = Pattern.compile("(?m)^refused \\(HTTP 429\\): \\{.*\"code\":\"rate_limited\"");

    static long count(Pattern p, String out) {
        return p.matcher(out).results().count();
    }

    @Test
    void theReadmeWalkthroughCanBePastedFiveTimesInARow() throws Exception {
        String out = paste(block().repeat(5) + "echo \"the terminal is still open\"\nexit\n");
        assertThat(out).as("(needs curl and jq: .ci/run installs them)\n" + out)
                .contains("\nthe terminal is still open").containsPattern("(?m)^the phone shows \\d{4}$")
                .containsPattern("(?m)^\\{\"status\":\"approved\",\"callStatus\":\"\\w+\",\"provider\":\"sandbox\"");
        assertThat(count(STARTED, out)).as(out).isEqualTo(5);
        assertThat(count(APPROVED, out)).as(out).isEqualTo(5);
        assertThat(count(REFUSED, out)).as(out).isZero();
    }

    @Test
    void aRefusalSaysWhyAndLeavesTheTerminalOpenAndTheLimitsCanBeCleared() throws Exception {
        String phone = "PHONE='8 (916) 700-12-34'\n";
        String clear = "curl -s -X DELETE \"$BASE/sandbox/limits\" -o /dev/null -w 'cleared %{http_code}\\n'\n";
        String out = paste(phone + block().repeat(4) + "echo \"the terminal is still open\"\n" + clear + block()
                + "exit\n");
        assertThat(out).as(out).contains("\nthe terminal is still open").contains("\ncleared 204");
        // three approved, the fourth refused by the destination limit (3 per 10 minutes), one more once cleared
        assertThat(count(REFUSED, out)).as(out).isEqualTo(1);
        assertThat(count(APPROVED, out)).as(out).isEqualTo(4);
    }
}
