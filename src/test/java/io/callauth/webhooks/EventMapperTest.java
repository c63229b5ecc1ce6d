package io.callauth.webhooks;

import io.callauth.attempts.AttemptRecord;
import io.callauth.attempts.AttemptType;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Attempt records into events: the mapping table, the data, the ids. */
class EventMapperTest {

    final EventMapper mapper = new EventMapper(5);

    static AttemptRecord record(String type) {
        return new AttemptRecord(1_764_566_403_512L, type, "vf_1", "+79161234567", "RU", "79161234", "callpass",
                "flashcall", null, null, null, "shop", "203.0.113.7", "ua", "app-1", "dev-1",
                "vf_1.1", "pcid", "+7916***4567", null);
    }

    @Test
    void everyVerificationEndingAndCallMakesItsEvent() {
        Map<String, String> expected = Map.of("started", "verification.started",
                "call_placed", "verification.call_placed", "call_failed", "verification.call_failed",
                "approved", "verification.approved", "failed", "verification.failed",
                "expired", "verification.expired", "canceled", "verification.canceled",
                "refused", "attempt.refused");
        expected.forEach((type, event) -> assertThat(mapper.map("1-0", record(type), Optional.empty()))
                .as(type).get().extracting(e -> e.type().wire()).isEqualTo(event));
        for (String none : new String[]{"check", "resend", "fallback", "max_attempts_reached"}) {
            assertThat(mapper.map("1-0", record(none), Optional.empty())).as(none).isEmpty();
        }
        // every record type of the log is either mapped or deliberately not
        for (AttemptType t : AttemptType.values()) {
            assertThat(EventMapper.BY_RECORD_TYPE.containsKey(t.wire())
                    || java.util.Set.of("check", "resend", "fallback", "max_attempts_reached").contains(t.wire()))
                    .as(t.wire()).isTrue();
        }
    }

    @Test
    void anAutoBlockIsAFraudEventWithItsEvidenceAndItsRelease() {
        String evidence = "{\"dimension\":\"prefix\",\"value\":\"79161234\",\"evidence\":{\"starts\":42}}";
        AttemptRecord block = record(AttemptType.AUTO_BLOCK.wire()).with("rule", "rule:r_1").with("detail", evidence);
        Event e = mapper.map("1-0", block, Optional.empty()).orElseThrow();
        assertThat(e.type()).isEqualTo(EventType.FRAUD_AUTO_BLOCK);
        assertThat(e.data()).containsEntry("rule", "rule:r_1");
        assertThat(e.data().get("detail").toString()).contains("\"starts\":42").contains("\"dimension\":\"prefix\"");
        assertThat(mapper.map("1-1", record(AttemptType.AUTO_BLOCK_RELEASED.wire()), Optional.empty()))
                .map(Event::type).contains(EventType.FRAUD_AUTO_BLOCK_RELEASED);
    }

    @Test
    void aCallOutcomeIsAnEventOnlyWhenTheCallFailed() {
        assertThat(mapper.map("1-0", record("call_outcome").withOutcome("delivered"), Optional.empty())).isEmpty();
        Event e = mapper.map("1-0", record("call_outcome").withOutcome("not_delivered"), Optional.of("yunhu"))
                .orElseThrow();
        assertThat(e.type()).isEqualTo(EventType.VERIFICATION_CALL_FAILED);
        assertThat(e.data()).containsEntry("callStatus", "not_delivered").containsEntry("nextProvider", "yunhu")
                .containsEntry("status", "pending");
    }

    @Test
    void dataIsTheContractsAndNeverACallerId() {
        Event started = mapper.map("3:1764566403512-0", record("started"), Optional.empty()).orElseThrow();
        assertThat(started.data()).containsKeys("verificationId", "status", "callStatus", "provider", "channel",
                "phone", "appId", "attemptsLeft", "at");
        assertThat(started.data()).containsEntry("attemptsLeft", 5).containsEntry("status", "pending")
                .containsEntry("callStatus", "queued").containsEntry("phone", "+79161234567");
        assertThat(started.data().toString()).doesNotContain("4567\"").doesNotContain("pcid")
                .doesNotContain("***");
        assertThat(started.apiKey()).isEqualTo("shop");
        // the same entry, the same id; another entry, another id
        assertThat(started.id()).startsWith("evt_")
                .isEqualTo(mapper.map("3:1764566403512-0", record("started"), Optional.empty()).orElseThrow().id())
                .isNotEqualTo(mapper.map("1764566403512-0", record("started"), Optional.empty()).orElseThrow().id());
        Event refused = mapper.map("1-0", record("refused").withReason("rate_limited"), Optional.empty()).orElseThrow();
        assertThat(refused.apiKey()).isNull();
        assertThat(refused.data()).containsEntry("reason", "rate_limited").containsEntry("apiKey", "shop")
                .doesNotContainKey("callerId");
    }

    @Test
    void aVerifyKeysEndpointGetsOnlyItsOwnVerificationsAndNoFraudEvents() {
        Endpoint mine = endpoint("shop", false, "*");
        Endpoint fraud = endpoint("team", true, "*");
        assertThat(mine.wants(EventType.VERIFICATION_APPROVED, "shop")).isTrue();
        assertThat(mine.wants(EventType.VERIFICATION_APPROVED, "other")).isFalse();
        assertThat(mine.wants(EventType.ATTEMPT_REFUSED, null)).isFalse();
        assertThat(mine.wants(EventType.WEBHOOK_DISABLED, null)).isFalse();
        assertThat(fraud.wants(EventType.VERIFICATION_APPROVED, "other")).isTrue();
        assertThat(fraud.wants(EventType.RULE_CREATED, null)).isTrue();
        assertThat(endpoint("shop", false, "verification.failed").wants(EventType.VERIFICATION_APPROVED, "shop"))
                .isFalse();
    }

    @Test
    void aFraudAlertIsOneEventPerScopeKeyAndHour() {
        var alert = new io.callauth.fraud.ConversionMonitor.Alert("prefix", "79161234", 40, 2, 0.05, 0.6);
        Event e = AlertEvents.event(alert, 490_000, java.time.Instant.EPOCH);
        assertThat(e.type()).isEqualTo(EventType.FRAUD_ALERT);
        assertThat(e.apiKey()).isNull();
        assertThat(e.data()).containsEntry("scope", "prefix").containsEntry("key", "79161234")
                .containsEntry("started", 40L);
        assertThat(AlertEvents.event(alert, 490_000, java.time.Instant.now()).id()).isEqualTo(e.id());
        assertThat(AlertEvents.event(alert, 490_001, java.time.Instant.EPOCH).id()).isNotEqualTo(e.id());
        assertThat(endpoint("shop", false, "*").wants(e.type(), e.apiKey())).isFalse();
        assertThat(endpoint("team", true, "fraud.alert").wants(e.type(), e.apiKey())).isTrue();
    }

    static Endpoint endpoint(String key, boolean fraud, String events) {
        return new Endpoint("wh_1", key, fraud, "https://example.com", java.util.List.of(events), null, Format.SINGLE,
                true, null, java.time.Instant.EPOCH, java.util.List.of());
    }
}
