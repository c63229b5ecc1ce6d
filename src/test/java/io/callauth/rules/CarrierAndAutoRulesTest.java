package io.callauth.rules;

import io.callauth.provider.callpass.CallPassEmulatorResource;
import io.callauth.verification.Api;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * The {@code carrier} match field (the start path knows a number's carrier from its normalised form) and the
 * automatic defence's rules ({@code source: auto}): they must expire, and an enforced allow wins over them (never
 * over the fraud team's blocks). Each test removes the rules it made; its numbers are its own (+7 926 555 01.., +7 903
 * 555 02.., +7 950 555 03..).
 */
@QuarkusTest
@QuarkusTestResource(CallPassEmulatorResource.class)
class CarrierAndAutoRulesTest {

    @Inject
    Rules rules;
    @Inject
    Clock clock;

    final List<String> made = new ArrayList<>();

    @AfterEach
    void removeMine() {
        made.forEach(id -> rules.delete(id, "test").await().indefinitely());
        made.clear();
    }

    private String rule(String action, String field, String value, boolean auto) {
        RuleRequest req = new RuleRequest(action, Map.of(field, value), "enforce", "test " + field,
                clock.instant().plus(Duration.ofMinutes(15)).toString());
        Rule r = (auto ? rules.createAuto(req, "defence") : rules.create(req, "test")).await().indefinitely();
        made.add(r.id());
        return r.id();
    }

    @Test
    void aCarrierRuleMatchesTheNumbersOfThatNetworkOnly() {
        String id = rule("block", "carrier", "megafon", false); // case is ignored
        RulesApiTest.refusedByRule(RulesApiTest.start("+79265550101"), id); // +7 926: MegaFon
        RulesApiTest.start("+79035550101").statusCode(201); // +7 903: Beeline
        assertThat(rules.get(id).await().indefinitely()).get().extracting(Rule::source).isEqualTo("api");
    }

    @Test
    void anAllowWinsOverAnAutomaticBlockButNotOverTheFraudTeams() {
        String auto = rule("block", "prefix", "79035550", true);
        Rule stored = rules.get(auto).await().indefinitely().orElseThrow();
        assertThat(stored.source()).isEqualTo("auto");
        assertThat(stored.auto()).isTrue();
        rule("allow", "phone", "+79035550201", false);
        RulesApiTest.start("+79035550201").statusCode(201); // the allow wins over the defence
        RulesApiTest.refusedByRule(RulesApiTest.start("+79035550202"), auto); // the rest of the range stays blocked
        Api.as(Api.FRAUD_KEY).get("/v1/rules").then().statusCode(200);

        String team = rule("block", "prefix", "79505550", false);
        rule("allow", "phone", "+79505550301", false);
        RulesApiTest.refusedByRule(RulesApiTest.start("+79505550301"), team); // the fraud team's block still wins
    }

    @Test
    void anAutomaticRuleMustExpire() {
        RuleRequest req = new RuleRequest("block", Map.of("prefix", "79035559"), "enforce", "no expiry", null);
        try {
            rules.createAuto(req, "defence").await().indefinitely();
            throw new AssertionError("an automatic rule without an expiry was stored");
        } catch (io.callauth.common.ApiProblem p) {
            assertThat(p.status()).isEqualTo(400);
        }
        Api.as(Api.FRAUD_KEY).body(Map.of("action", "block", "match", Map.of("carrier", "Tele2"), "mode", "monitor",
                "reason", "watch")).post("/v1/rules").then().statusCode(201).body("source", equalTo("api"))
                .body("match.carrier", equalTo("Tele2"))
                .extract().path("id").toString().transform(made::add);
    }
}
