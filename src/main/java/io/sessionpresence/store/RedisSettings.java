package io.sessionpresence.store;

import java.net.URI;

import io.helidon.config.Config;
import io.sessionpresence.config.InvalidConfigException;
import io.sessionpresence.config.Settings;

/**
 * The {@code store.type} and {@code redis.*} keys.
 *
 * @param storeType        auto, redis or memory
 * @param topology         which Redis: one server, Sentinel, Cluster, a Redisson file, or none
 * @param access           credentials and TLS
 * @param timeoutMs        per-command timeout (a request fails with 503 past it)
 * @param connectTimeoutMs connection timeout
 * @param keyPrefix        prefix of every key
 * @param cleanupMinDelay  Redisson eviction task: first delay, seconds
 * @param cleanupMaxDelay  Redisson eviction task: longest delay, seconds
 * @param cleanupKeys      entries the eviction task removes per run
 * @param poolSize         most connections to each Redis master (one per command in flight)
 * @param nettyThreads     Redisson's I/O threads
 * @param batchesInFlight  hot-path batches in flight before calls queue and share one ({@link RedisBatcher})
 */
public record RedisSettings(String storeType, RedisTopology topology, RedisAccess access, int timeoutMs,
                            int connectTimeoutMs, String keyPrefix, int cleanupMinDelay, int cleanupMaxDelay,
                            int cleanupKeys, int poolSize, int nettyThreads, int batchesInFlight) {

    public static RedisSettings from(Config root) {
        RedisSettings settings = new RedisSettings(
                Settings.oneOf(root, "store.type", "auto", "redis", "memory"),
                RedisTopology.from(root),
                RedisAccess.from(root),
                Settings.intValue(root, "redis.timeout-ms", 1),
                Settings.intValue(root, "redis.connect-timeout-ms", 1),
                Settings.string(root, "redis.key-prefix"),
                Settings.intValue(root, "redis.cleanup-min-delay", 1),
                Settings.intValue(root, "redis.cleanup-max-delay", 1),
                Settings.intValue(root, "redis.cleanup-keys-amount", 1),
                Settings.intValue(root, "redis.pool-size", 1),
                Settings.intValue(root, "redis.netty-threads", 1),
                Settings.intValue(root, "redis.batches-in-flight", 1));
        if (settings.storeType().equals("redis") && settings.topology() instanceof RedisTopology.None) {
            throw new InvalidConfigException("redis.url", "or redis.sentinel.*, redis.cluster.nodes or redis.config-file "
                    + "is required when store.type is redis (set REDIS_URL)");
        }
        if (settings.cleanupMaxDelay() < settings.cleanupMinDelay()) {
            throw new InvalidConfigException("redis.cleanup-max-delay", "must be >= redis.cleanup-min-delay");
        }
        return settings;
    }

    /** One server at {@code url} with no other credentials: what tests and tools build by hand. */
    public static RedisSettings forUrl(String url, int timeoutMs, String keyPrefix, int poolSize, int batchesInFlight) {
        return new RedisSettings("redis", new RedisTopology.SingleServer(URI.create(url)), RedisAccess.NONE, timeoutMs,
                timeoutMs, keyPrefix, 1, 5, 500, poolSize, 2, batchesInFlight);
    }
}
