package io.callauth.provider.callpass;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** Starts the CallPass wire emulator for @QuarkusTest and points callauth.providers.callpass.url at it. */
public class CallPassEmulatorResource implements QuarkusTestResourceLifecycleManager {

    public static final String TOKEN = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private static volatile CallPassEmulator emulator;

    public static CallPassEmulator emulator() {
        return emulator;
    }

    @Override
    public Map<String, String> start() {
        emulator = CallPassEmulator.start(TOKEN);
        return Map.of("callauth.providers.callpass.url", emulator.url(),
                "callauth.providers.callpass.token", TOKEN);
    }

    @Override
    public void stop() {
        if (emulator != null) {
            emulator.close();
        }
    }
}
