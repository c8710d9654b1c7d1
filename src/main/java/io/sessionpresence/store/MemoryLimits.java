package io.sessionpresence.store;

import io.helidon.config.Config;
import io.sessionpresence.config.Settings;

/**
 * The {@code store.memory.*} keys: how much the memory store may hold. Past a bound, new entries
 * are refused ({@link StoreFull}, a 503); updates of entries already held are not.
 *
 * @param maxBytes      estimated bytes of every entry together (sessions, presence, activity,
 *                      cached user data); 0 in the config = half the JVM's maximum heap
 * @param maxSessions   live sessions; 0 = only {@code maxBytes} bounds them
 * @param maxPresence   presence entries, and tracked-activity entries (each); 0 = only {@code maxBytes}
 * @param maxCacheBytes estimated bytes of cached user data; 0 = only {@code maxBytes}
 */
public record MemoryLimits(long maxBytes, long maxSessions, long maxPresence, long maxCacheBytes) {
    /** Only the heap-derived byte bound: what the config's defaults give. */
    public static MemoryLimits heapShare() {
        return new MemoryLimits(Runtime.getRuntime().maxMemory() / 2, 0, 0, 0);
    }

    public static MemoryLimits from(Config root) {
        long maxBytes = Settings.longValue(root, "store.memory.max-bytes", 0);
        return new MemoryLimits(maxBytes == 0 ? heapShare().maxBytes() : maxBytes,
                Settings.longValue(root, "store.memory.max-sessions", 0),
                Settings.longValue(root, "store.memory.max-presence", 0),
                Settings.longValue(root, "store.memory.max-cache-bytes", 0));
    }
}
