package io.callauth.provider;

import io.smallrye.mutiny.Multi;
import io.vertx.mutiny.core.buffer.Buffer;

/** A call's audio as a provider serves it: its media type, its length when known, its bytes as they arrive. */
public record CallAudio(String contentType, Long length, Multi<Buffer> body) {

    /** the media type of a recording file by its name (Yunhu and SunSim keep mp3; wav is the other usual one) */
    public static String typeOf(String fileName, String otherwise) {
        String f = fileName == null ? "" : fileName.toLowerCase(java.util.Locale.ROOT);
        if (f.endsWith(".mp3")) {
            return "audio/mpeg";
        }
        if (f.endsWith(".wav")) {
            return "audio/wav";
        }
        if (f.endsWith(".ogg")) {
            return "audio/ogg";
        }
        return otherwise;
    }
}
