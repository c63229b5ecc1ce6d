package io.callauth.provider;

import java.util.Locale;
import java.util.Optional;

/** How the code reaches the user. */
public enum Channel {
    /** the code is the last digits of the calling number; the user need not answer */
    FLASHCALL,
    /** the code is spoken (IVR / TTS) */
    VOICE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Channel> parse(String s) {
        for (Channel c : values()) {
            if (c.wire().equals(s)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
