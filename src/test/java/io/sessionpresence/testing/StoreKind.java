package io.sessionpresence.testing;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** The two backends every storage-touching test runs against. */
public enum StoreKind {
    MEMORY,
    REDIS;

    /** Config overrides selecting this store; Redis tests get their own key prefix for isolation. */
    public Map<String, String> config() {
        Map<String, String> config = new HashMap<>();
        if (this == MEMORY) {
            config.put("store.type", "memory");
        } else {
            config.put("store.type", "redis");
            config.put("redis.url", TestRedis.shared().url());
            config.put("redis.key-prefix", "t" + UUID.randomUUID().toString().substring(0, 8) + ":");
            // Generous: a loaded 2-core CI box must not turn slow answers into 503s; the outage
            // test sets its own tight timeout.
            config.put("redis.timeout-ms", "5000");
        }
        return config;
    }
}
