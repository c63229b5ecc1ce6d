package io.callauth.security;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiKeysTest {

    private static final String SPEC = "app:verify:57c8139db7290a9064aa57837c951138a32df40cca3aca526319f55651368823,"
            + "fraud:fraud+verify:a2b514fec00fde9bb0dda3d02c9036b913094dba065fc72b52b788c15934c96e";

    @Test
    void authenticatesByTheHashOfTheSecret() {
        ApiKeys keys = new ApiKeys(Optional.of(SPEC));
        assertThat(keys.authenticate("dev-key-change-me")).map(ApiKey::name).contains("app");
        assertThat(keys.authenticate("fraud-key")).get().satisfies(k -> {
            assertThat(k.has(Role.FRAUD)).isTrue();
            assertThat(k.has(Role.VERIFY)).isTrue();
        });
        assertThat(keys.authenticate("dev-key-change-mE")).isEmpty();
        assertThat(keys.authenticate("")).isEmpty();
        assertThat(keys.authenticate(null)).isEmpty();
        assertThat(keys.authenticate("57c8139db7290a9064aa57837c951138a32df40cca3aca526319f55651368823"))
                .as("the hash itself is not a key").isEmpty();
    }

    @Test
    void malformedSpecsSayWhatIsWrongWithoutEchoingHashes() {
        assertThatThrownBy(() -> ApiKeys.parse("app:verify")).hasMessageContaining("name:role");
        assertThatThrownBy(() -> ApiKeys.parse("app:admin:" + "a".repeat(64))).hasMessageContaining("unknown role");
        assertThatThrownBy(() -> ApiKeys.parse("app:verify:secret-in-clear")).hasMessageContaining("SHA-256")
                .hasMessageNotContaining("secret-in-clear");
    }

    @Test
    void rolesByPath() {
        assertThat(ApiKeyFilter.requiredRole("/v1/verifications")).isEqualTo(Role.VERIFY);
        assertThat(ApiKeyFilter.requiredRole("/v1/attempts/summary")).isEqualTo(Role.FRAUD);
        assertThat(ApiKeyFilter.requiredRole("/v1/attempts")).isEqualTo(Role.FRAUD);
        assertThat(ApiKeyFilter.requiredRole("/v1/rules")).isEqualTo(Role.FRAUD);
        assertThat(ApiKeyFilter.requiredRole("/v1/rules/r_1")).isEqualTo(Role.FRAUD);
        assertThat(ApiKeyFilter.requiredRole("/v1/calls/vf_1.abc/recording")).isEqualTo(Role.FRAUD);
        assertThat(ApiKeyFilter.requiredRole("/v1/verifications/vf_1/calls")).isEqualTo(Role.FRAUD);
        assertThat(ApiKeyFilter.requiredRole("/v1/verifications/vf_1/check")).isEqualTo(Role.VERIFY);
        assertThat(ApiKeyFilter.requiredRole("/v1/verifications/vf_1/resend")).isEqualTo(Role.VERIFY);
        assertThat(ApiKeyFilter.requiredRole("/v1/verifications/check")).isEqualTo(Role.VERIFY);
        assertThat(ApiKeyFilter.requiredRole("/v1/calls")).isEqualTo(Role.FRAUD);
        assertThat(ApiKeyFilter.requiredRole("/v1/verifications/vf_1/calls/")).isEqualTo(Role.FRAUD);
        // the router leaves out empty segments and matrix parameters: so does the path test
        assertThat(ApiKeyFilter.requiredRole("/v1/verifications//calls")).isEqualTo(Role.VERIFY);
        assertThat(ApiKeyFilter.requiredRole("/v1//verifications/vf_1/calls")).isEqualTo(Role.FRAUD);
        assertThat(ApiKeyFilter.requiredRole("/v1/verifications/vf_1/calls;a=b")).isEqualTo(Role.FRAUD);
        assertThat(ApiKeyFilter.requiredRole("/v1/verifications/vf_1;a=b/check")).isEqualTo(Role.VERIFY);
        // an encoded '/' stays inside its segment, as for the router: this is GET /v1/verifications/{id}
        assertThat(ApiKeyFilter.requiredRole("/v1/verifications/x%2Fcalls")).isEqualTo(Role.VERIFY);
        // webhooks: a key of either role (ownership is the resource's)
        for (String webhooks : List.of("/v1/webhooks", "/v1/webhooks/wh_1", "/v1/webhooks/wh_1/deliveries",
                "/v1/webhooks/wh_1/rotate-secret")) {
            assertThat(ApiKeyFilter.allowedRoles(webhooks)).as(webhooks).containsExactlyInAnyOrder(Role.VERIFY,
                    Role.FRAUD);
        }
        assertThat(ApiKeyFilter.allowedRoles("/v1/rules")).containsExactly(Role.FRAUD);
        assertThat(ApiKeyFilter.allowedRoles("/v1/webhooksx")).isEmpty();
        // paths the API does not have need a key of either role (then 404), never a role
        for (String unknown : List.of("/v1", "/v1/", "/v1/recording", "/v1/attemptsx", "/v1/rulesx/1",
                "/v1/verifications/vf_1/callsx", "/v1/verifications/vf_1/calls/x", "/v1/verifications/a/b/c/d")) {
            assertThat(ApiKeyFilter.isApi(ApiKeyFilter.segments(unknown))).as(unknown).isTrue();
            assertThat(ApiKeyFilter.requiredRole(unknown)).as(unknown).isNull();
        }
        for (String outside : List.of("/", "", "/q/health", "/console/attempts", "/v2/verifications", "/v1x")) {
            assertThat(ApiKeyFilter.isApi(ApiKeyFilter.segments(outside))).as(outside).isFalse();
            assertThat(ApiKeyFilter.requiredRole(outside)).as(outside).isNull();
        }
    }

    /** the path test is the rule as regular expressions, over every path of the API and near misses */
    @Test
    void rolesByPathAgreeWithTheRuleAsARegularExpression() {
        java.util.regex.Pattern fraud =
                java.util.regex.Pattern.compile("/v1/(attempts|rules|calls)(/.*)?|/v1/verifications/[^/]+/calls/?");
        java.util.regex.Pattern verify =
                java.util.regex.Pattern.compile("/v1/verifications(/[^/]+(/(check|resend))?)?/?");
        String[] roots = {"", "/", "/v1", "/v1/", "/v2/", "/q/", "/v1/verifications", "/v1/verifications/",
                "/v1/verifications/vf_1", "/v1/verifications/vf_1/", "/v1/verifications//"};
        String[] tails = {"", "/", "attempts", "rules", "calls", "attempts/x", "rules/r_1", "calls/c/recording",
                "attemptsx", "callsy", "check", "resend", "calls/", "calls/x", "calls//", "export.csv", "x/calls",
                "x/check", "x%2Fcalls", "recording", "x/y/z"};
        for (String r : roots) {
            for (String t : tails) {
                String path = r + t;
                String routed = path.replaceAll("/+", "/");
                Role expected = fraud.matcher(routed).matches() ? Role.FRAUD
                        : verify.matcher(routed).matches() ? Role.VERIFY : null;
                assertThat(ApiKeyFilter.requiredRole(path)).as(path).isEqualTo(expected);
                assertThat(ApiKeyFilter.isApi(ApiKeyFilter.segments(path))).as(path)
                        .isEqualTo(routed.equals("/v1") || routed.startsWith("/v1/"));
            }
        }
    }
}
