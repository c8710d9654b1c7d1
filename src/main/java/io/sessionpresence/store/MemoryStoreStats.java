package io.sessionpresence.store;

import java.util.Map;

import io.sessionpresence.json.Json;


/**
 * The memory store has no server to ask: it reports this JVM's heap in place of Redis memory,
 * and says that the Redis-only counters do not apply.
 */
public final class MemoryStoreStats implements StoreStats {
    @Override
    public Map<String, Object> backendFigures() {
        Runtime runtime = Runtime.getRuntime();
        long used = runtime.totalMemory() - runtime.freeMemory();
        return Json.fields(
                "memory_used", (used / (1024 * 1024)) + "M",
                "memory_used_bytes", used,
                "connected_clients", null,
                "total_commands_processed", null,
                "keyspace_hits", null,
                "keyspace_misses", null,
                "db_size", null,
                "note", "memory store: memory_used is this JVM's heap in use; Redis counters do not apply");
    }
}
