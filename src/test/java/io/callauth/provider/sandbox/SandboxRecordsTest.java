package io.callauth.provider.sandbox;

import io.callauth.provider.CallAudio;
import io.callauth.provider.KeptCall;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.mutiny.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The dev sandbox keeps a simulated record of its calls and serves a tiny silent mp3 as their recording. */
class SandboxRecordsTest {

    private final SandboxProvider sandbox = new SandboxProvider(null, new ObjectMapper(), Clock.systemUTC());

    private static KeptCall call(String status) {
        return new KeptCall("vf_1.a", "vf_1", "sandbox", "flashcall", "+79161234567", "+7900123****", "vf_1.a",
                System.currentTimeMillis(), status, null);
    }

    @Test
    void aPlacedCallHasARecordAndAnMp3Recording() {
        Optional<JsonNode> record = sandbox.record(call("delivered")).await().indefinitely();
        assertThat(record).isPresent();
        assertThat(record.get().path("simulated").asBoolean()).isTrue();
        CallAudio audio = sandbox.recording(call("delivered"), record).await().indefinitely().orElseThrow();
        assertThat(audio.contentType()).isEqualTo("audio/mpeg");
        byte[] mp3 = audio.body().collect().in(Buffer::buffer, Buffer::appendBuffer).await().indefinitely().getBytes();
        assertThat(mp3).hasSize(audio.length().intValue()).hasSize(4170);
        // ten MPEG-1 Layer III frames, 128 kbit/s, 44.1 kHz (417 bytes each): a frame sync at every frame start
        for (int i = 0; i < 10; i++) {
            assertThat(new byte[]{mp3[i * 417], mp3[i * 417 + 1], mp3[i * 417 + 2]})
                    .containsExactly((byte) 0xFF, (byte) 0xFB, (byte) 0x90);
        }
    }

    @Test
    void aCallThatWasNeverPlacedHasNeither() {
        Optional<JsonNode> record = sandbox.record(call("failed")).await().indefinitely();
        assertThat(record).isEmpty();
        assertThat(sandbox.recording(call("failed"), record).await().indefinitely()).isEmpty();
    }
}
