package io.sessionpresence.store;

import java.util.List;
import java.util.Map;

import io.sessionpresence.json.Json;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.RedisNode;

/**
 * {@code INFO} of each Redis master and {@code DBSIZE} (admin only): one master, or the sums over
 * a Cluster's masters with each master's share of keys and memory.
 */
public final class RedisStoreStats implements StoreStats {
    private final RedissonClient redis;

    public RedisStoreStats(RedissonClient redis) {
        this.redis = redis;
    }

    @Override
    public Map<String, Object> backendFigures() {
        List<RedisNode> masters = RedisConnection.masters(redis);
        long memory = 0, clients = 0, commands = 0, hits = 0, misses = 0;
        String version = "unknown";
        List<Map<String, Object>> perMaster = new java.util.ArrayList<>();
        for (RedisNode master : masters) {
            Map<String, String> info = master.info(RedisNode.InfoSection.ALL);
            long used = number(info.get("used_memory"));
            memory += used;
            clients += number(info.get("connected_clients"));
            commands += number(info.get("total_commands_processed"));
            hits += number(info.get("keyspace_hits"));
            misses += number(info.get("keyspace_misses"));
            version = info.getOrDefault("redis_version", version);
            perMaster.add(Json.fields("address", master.getAddr().getHostString() + ":" + master.getAddr().getPort(),
                    "memory_used_bytes", used, "keys", master.size()));
        }
        return Json.fields(
                "memory_used", human(memory),
                "memory_used_bytes", memory,
                "connected_clients", clients,
                "total_commands_processed", commands,
                "keyspace_hits", hits,
                "keyspace_misses", misses,
                "db_size", redis.getKeys().count(),
                "redis_version", version,
                "masters", perMaster);
    }

    private static String human(long bytes) {
        return bytes < 1024 * 1024 ? String.format(java.util.Locale.ROOT, "%.2fK", bytes / 1024.0) : String.format(java.util.Locale.ROOT, "%.2fM", bytes / 1048576.0);
    }

    private static long number(String value) {
        try {
            return value == null ? 0 : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
