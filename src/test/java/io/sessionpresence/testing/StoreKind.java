package io.sessionpresence.testing;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** The backends every storage-touching test runs against. */
public enum StoreKind {
    MEMORY,
    /** One real Redis server ({@link TestRedis#shared()}). */
    REDIS,
    /** A real 3-master Redis Cluster ({@link TestRedisCluster#shared()}). */
    REDIS_CLUSTER;

    /** Whether the service keeps its data in Redis (one server or a cluster). */
    public boolean redis() {
        return this != MEMORY;
    }

    /** The store the service reports ({@code store}, {@code source} fields): memory or redis. */
    public String reported() {
        return redis() ? "redis" : "memory";
    }

    /** Config overrides selecting this store; Redis tests get their own key prefix for isolation. */
    public Map<String, String> config() {
        Map<String, String> config = new HashMap<>();
        if (this == MEMORY) {
            config.put("store.type", "memory");
            return config;
        }
        config.put("store.type", "redis");
        if (this == REDIS) {
            config.put("redis.url", TestRedis.shared().url());
        } else {
            config.put("redis.cluster.nodes", TestRedisCluster.shared().seeds());
        }
        config.put("redis.key-prefix", "t" + UUID.randomUUID().toString().substring(0, 8) + ":");
        // Generous: a loaded 2-core CI box must not turn slow answers into 503s; the outage
        // test sets its own tight timeout.
        config.put("redis.timeout-ms", "5000");
        return config;
    }
}
