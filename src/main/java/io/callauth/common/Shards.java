package io.callauth.common;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Which of {@code count} shards an id belongs to: CRC-32 of its UTF-8 bytes modulo the count. The same on every
 * replica and across restarts (a stable function of the id, never of the JVM), so every record of one verification
 * lands on the same shard and keeps its order, and a tracked call is always found where it was scheduled.
 */
public final class Shards {

    private Shards() {
    }

    public static int of(String id, int count) {
        if (count <= 1 || id == null || id.isEmpty()) {
            return 0;
        }
        CRC32 crc = new CRC32();
        crc.update(id.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % count);
    }
}
