package io.callauth.provider.sandbox;

import io.callauth.provider.CallProgress;
import io.callauth.provider.CallProvider;
import io.callauth.provider.CallRequest;
import io.callauth.provider.CallStatus;
import io.callauth.provider.Channel;
import io.callauth.provider.PlacedCall;
import io.callauth.provider.TrackedCall;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callauth.common.Ids;
import io.quarkus.arc.profile.UnlessBuildProfile;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A simulated phone for development: every call "rings" at once from a random +7 900 number whose last digits are
 * the code, and is listed at {@code /sandbox} and {@code /sandbox/calls}. Its calls live in Redis, so every replica
 * shows the same phone. Not built into the prod profile at all.
 */
@ApplicationScoped
@UnlessBuildProfile("prod")
public class SandboxProvider implements CallProvider, io.callauth.provider.CallRecordSource {

    static final String CALLS = "ca:sandbox:calls";
    private final ReactiveRedisDataSource redis;
    private final ObjectMapper json;
    private final Clock clock;

    public SandboxProvider(ReactiveRedisDataSource redis, ObjectMapper json, Clock clock) {
        this.redis = redis;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "sandbox";
    }

    @Override
    public boolean serves(Channel channel) {
        return true;
    }

    @Override
    public Duration ringTimeout() {
        return Duration.ofSeconds(10);
    }

    @Override
    public Uni<PlacedCall> placeCall(CallRequest request) {
        String from = "+7900" + Ids.digits(7);
        Map<String, Object> call = new LinkedHashMap<>();
        call.put("at", clock.instant().toString());
        call.put("to", request.phone());
        call.put("from", from);
        call.put("channel", request.channel().wire());
        call.put("code", from.substring(from.length() - request.codeLength()));
        call.put("verificationId", request.verificationId());
        String entry;
        try {
            entry = json.writeValueAsString(call);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return redis.execute("LPUSH", CALLS, entry)
                .chain(() -> redis.execute("LTRIM", CALLS, "0", "199"))
                .chain(() -> redis.execute("EXPIRE", CALLS, "86400"))
                .replaceWith(new PlacedCall(name(), request.callRef(), from.substring(1), CallStatus.CALLING, null));
    }

    @Override
    public Uni<CallProgress> poll(TrackedCall call) {
        return Uni.createFrom().item(new CallProgress(CallStatus.DELIVERED, "sandbox"));
    }

    /** the simulated phone keeps a record of every call it placed, so the console has something to show in dev */
    @Override
    public Uni<java.util.Optional<com.fasterxml.jackson.databind.JsonNode>> record(io.callauth.provider.KeptCall call) {
        if (call.placedAt() == 0 || "failed".equals(call.callStatus())) {
            return Uni.createFrom().item(java.util.Optional.empty());
        }
        com.fasterxml.jackson.databind.node.ObjectNode r = json.createObjectNode();
        r.put("simulated", true);
        r.put("ringSeconds", 3);
        r.put("hangup", "no_answer");
        r.put("recordingFile", "sandbox-call.mp3");
        return Uni.createFrom().item(java.util.Optional.of(r));
    }

    /** and a tiny recording (a quarter second of silent MP3 frames), the same for every call */
    @Override
    public Uni<java.util.Optional<io.callauth.provider.CallAudio>> recording(io.callauth.provider.KeptCall call,
            java.util.Optional<com.fasterxml.jackson.databind.JsonNode> record) {
        if (record.isEmpty()) {
            return Uni.createFrom().item(java.util.Optional.empty());
        }
        byte[] mp3 = silentMp3();
        return Uni.createFrom().item(java.util.Optional.of(new io.callauth.provider.CallAudio("audio/mpeg",
                (long) mp3.length, io.smallrye.mutiny.Multi.createFrom()
                .item(io.vertx.mutiny.core.buffer.Buffer.buffer(mp3)))));
    }

    /**
     * Ten MPEG-1 Layer III frames, 128 kbit/s, 44.1 kHz, mono, no CRC (header FF FB 90 C4): 417 bytes each, side
     * information and main data all zero, which decoders play as silence.
     */
    static byte[] silentMp3() {
        int frame = 417;
        byte[] out = new byte[frame * 10];
        for (int i = 0; i < 10; i++) {
            out[i * frame] = (byte) 0xFF;
            out[i * frame + 1] = (byte) 0xFB;
            out[i * frame + 2] = (byte) 0x90;
            out[i * frame + 3] = (byte) 0xC4;
        }
        return out;
    }
}
