package io.callauth.provider.sunsim;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** Starts the SunSim wire emulator for @QuarkusTest and points callauth.providers.sunsim.* at it. */
public class SunSimEmulatorResource implements QuarkusTestResourceLifecycleManager {

    public static final String AUTH = "auth-token-from-cabinet";
    public static final String CALLER_IDS = "74950001122,74950003344";
    private static volatile SunSimEmulator emulator;

    public static SunSimEmulator emulator() {
        return emulator;
    }

    @Override
    public Map<String, String> start() {
        emulator = SunSimEmulator.start(AUTH);
        return Map.of("callauth.providers.sunsim.url", emulator.url(),
                "callauth.providers.sunsim.authorization-token", AUTH,
                "callauth.providers.sunsim.caller-ids", CALLER_IDS);
    }

    @Override
    public void stop() {
        if (emulator != null) {
            emulator.close();
        }
    }
}
