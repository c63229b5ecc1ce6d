package io.callauth.provider.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callauth.common.Ids;
import io.callauth.provider.CallProgress;
import io.callauth.provider.CallProvider;
import io.callauth.provider.CallRequest;
import io.callauth.provider.CallStatus;
import io.callauth.provider.Channel;
import io.callauth.provider.PlacedCall;
import io.callauth.provider.TrackedCall;
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
public class SandboxProvider implements CallProvider {

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
}
