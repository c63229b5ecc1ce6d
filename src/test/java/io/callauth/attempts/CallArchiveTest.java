package io.callauth.attempts;

import io.callauth.provider.KeptCall;
import io.callauth.provider.callpass.CallPassEmulatorResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The archive's call rows (attempt_calls) as the ingester writes them: one row per call from its records, in any
 * batch and order; redeliveries change nothing, a final status is never replaced, the pushed record is kept;
 * pushed records are not attempts.
 */
@QuarkusTest
@QuarkusTestResource(CallPassEmulatorResource.class)
class CallArchiveTest {

    @Inject
    AttemptArchive archive;
    @Inject
    CallArchive calls;

    private static long seq;

    private static AttemptLog.Entry entry(long at, String type, String vid, String callRef, String outcome,
                                          String callerId, String providerCallId, String record) {
        AttemptRecord r = new AttemptRecord(at, type, vid, "+79161234567", "RU", "79161234", "yunhu", "flashcall",
                outcome, null, null, "test", null, null, null, null, callRef, providerCallId, callerId, record);
        return new AttemptLog.Entry(at + "-" + (seq++), r);
    }

    @Test
    void oneRowPerCallFilledInAcrossBatchesAndRedeliveries() throws Exception {
        String vid = "vf_ca_" + UUID.randomUUID().toString().replace("-", "");
        String ref = vid + ".a1";
        long t = System.currentTimeMillis();
        AttemptLog.Entry placed = entry(t, "call_placed", vid, ref, null, "219024****", null, null);
        AttemptLog.Entry outcome = entry(t + 2000, "call_outcome", vid, ref, "delivered", null, null, null);
        AttemptLog.Entry cdr = entry(t + 9000, CallArchive.CALL_RECORD, vid, ref, null, null, null,
                "{\"billsec\":4,\"hangupcause\":10001,\"recordfilename\":\"x.mp3\"}");

        // the CDR first (another batch, another replica), then the call, then its outcome
        ArchiveWriter.Stored first = archive.store(List.of(cdr));
        assertThat(first.inserted()).as("a pushed record is not an attempt").isZero();
        archive.store(List.of(placed));
        archive.store(List.of(outcome));
        // redeliveries, and a stale "calling" after the final status
        archive.store(List.of(placed, outcome, cdr));
        archive.store(List.of(placed));

        List<KeptCall> rows = calls.calls(vid);
        assertThat(rows).hasSize(1);
        KeptCall c = rows.get(0);
        assertThat(c.callRef()).isEqualTo(ref);
        assertThat(c.provider()).isEqualTo("yunhu");
        assertThat(c.callerId()).isEqualTo("219024****");
        assertThat(c.placedAt()).isEqualTo(t);
        assertThat(c.callStatus()).isEqualTo("delivered");
        assertThat(c.pushed().path("recordfilename").asText()).isEqualTo("x.mp3");
        assertThat(calls.call(ref)).contains(c);
        assertThat(calls.knows(vid)).isTrue();
        assertThat(calls.calls("vf_ca_unknown")).isEmpty();
        assertThat(calls.call(vid + ".zz")).isEmpty();

        // the attempts table holds the two call records, not the CDR
        AttemptFilter filter = AttemptFilter.parse(java.util.Map.of("verificationId", List.of(vid)), java.util.Set.of());
        assertThat(archive.list(filter, 10).items()).extracting(Attempt::type)
                .containsExactlyInAnyOrder("call_placed", "call_outcome");
    }
}
