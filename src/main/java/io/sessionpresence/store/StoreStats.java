package io.sessionpresence.store;

import java.util.Map;

/**
 * The backend's own figures for {@code /admin/redis/stats}: the presence tracker's Redis fields, or the
 * memory store's equivalents. Implementations: {@link RedisStoreStats}, {@link MemoryStoreStats}.
 */
public interface StoreStats {
    /** memory_used, connected_clients, total_commands_processed, keyspace_hits, keyspace_misses, db_size. */
    Map<String, Object> backendFigures();
}
