package io.callauth.provider.yunhu;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;
import java.util.Set;

/** Starts the Yunhu wire emulator for @QuarkusTest and points callauth.providers.yunhu.* at it. */
public class YunhuEmulatorResource implements QuarkusTestResourceLifecycleManager {

    public static final String SECRET = "cb-secret-0123456789";
    public static final String APPID = "APP1";
    public static final String ACCESSKEY = "access-1";
    public static final String EXT = "7003";
    public static final String NUMBERS = "2190240001,2190248642";
    private static volatile YunhuEmulator emulator;

    public static YunhuEmulator emulator() {
        return emulator;
    }

    @Override
    public Map<String, String> start() {
        emulator = YunhuEmulator.start(APPID, ACCESSKEY, Set.of(EXT), Set.of(NUMBERS.split(",")));
        return Map.of("callauth.providers.yunhu.url", emulator.url(),
                "callauth.providers.yunhu.appid", APPID,
                "callauth.providers.yunhu.accesskey", ACCESSKEY,
                "callauth.providers.yunhu.extnumber", EXT,
                "callauth.providers.yunhu.caller-ids", NUMBERS,
                "callauth.providers.yunhu.callback-secret", SECRET);
    }

    @Override
    public void stop() {
        if (emulator != null) {
            emulator.close();
        }
    }
}
