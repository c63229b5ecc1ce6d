package io.callauth.provider;

import java.io.IOException;
import java.io.InputStream;

/**
 * The recording the emulators keep: {@code fixtures/recording.mp3}, an empty ID3v2.4 tag and six MPEG-1 Layer III
 * frames (128 kbit/s, 44.1 kHz, joint stereo; header FF FB 90 64), silence.
 */
public final class Mp3Fixture {
    private Mp3Fixture() {
    }

    public static byte[] bytes() {
        try (InputStream in = Mp3Fixture.class.getResourceAsStream("/fixtures/recording.mp3")) {
            if (in == null) {
                throw new IllegalStateException("fixtures/recording.mp3 is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
