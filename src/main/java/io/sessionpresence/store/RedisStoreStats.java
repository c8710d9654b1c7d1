package io.sessionpresence.store;

import java.util.Map;

import io.sessionpresence.json.Json;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.RedisNode;
import org.redisson.api.redisnode.RedisNodes;

/** {@code INFO} and {@code DBSIZE} of the Redis server (two round trips; admin only). */
public final class RedisStoreStats implements StoreStats {
    private final RedissonClient redis;

    public RedisStoreStats(RedissonClient redis) {
        this.redis = redis;
    }

    @Override
    public Map<String, Object> backendFigures() {
        Map<String, String> info = redis.getRedisNodes(RedisNodes.SINGLE).getInstance().info(RedisNode.InfoSection.ALL);
        return Json.fields(
                "memory_used", info.getOrDefault("used_memory_human", "unknown"),
                "memory_used_bytes", number(info.get("used_memory")),
                "connected_clients", number(info.get("connected_clients")),
                "total_commands_processed", number(info.get("total_commands_processed")),
                "keyspace_hits", number(info.get("keyspace_hits")),
                "keyspace_misses", number(info.get("keyspace_misses")),
                "db_size", redis.getKeys().count(),
                "redis_version", info.getOrDefault("redis_version", "unknown"));
    }

    private static long number(String value) {
        try {
            return value == null ? 0 : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
