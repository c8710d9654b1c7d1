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
 * @param cleanupMinDelay  seconds between the sweeps of sessions, presence and activity; Redisson's
 *                         eviction task (the user cache): first delay
 * @param cleanupMaxDelay  Redisson eviction task: longest delay, seconds
 * @param cleanupKeys      entries a sweep or an eviction run takes from one map at most
 * @param poolSize         most connections to each Redis master (one per command in flight)
 * @param nettyThreads     Redisson's I/O threads
 * @param batchesInFlight  hot-path batches in flight before calls queue and share one ({@link RedisBatcher})
 * @param shards           maps of each kind (0: 1, or {@link #CLUSTER_SHARDS} on a Cluster)
 */
public record RedisSettings(String storeType, RedisTopology topology, RedisAccess access, int timeoutMs,
                            int connectTimeoutMs, String keyPrefix, int cleanupMinDelay, int cleanupMaxDelay,
                            int cleanupKeys, int poolSize, int nettyThreads, int batchesInFlight, int shards) {

    /**
     * Shards on a Cluster unless {@code redis.shards} says otherwise: a multiple of 1, 2, 3, 4 and 6
     * masters, so each of those holds as many shards ({@link RedisKeys}).
     */
    public static final int CLUSTER_SHARDS = 12;
    public static final int MAX_SHARDS = 1024;

    public static RedisSettings from(Config root) {
        RedisSettings settings = new RedisSettings(
                Settings.oneOf(root, "store.type", "auto", "redis", "memory"),
                RedisTopology.from(root),
                RedisAccess.from(root),
                Settings.intValue(root, "redis.timeout-ms", 1),
                Settings.intValue(root, "redis.connect-timeout-ms", 1),
                Settings.string(root, "redis.key-prefix"),
                Settings.intValue(root, "redis.cleanup-min-delay", 2),
                Settings.intValue(root, "redis.cleanup-max-delay", 1),
                Settings.intValue(root, "redis.cleanup-keys-amount", 1),
                Settings.intValue(root, "redis.pool-size", 1),
                Settings.intValue(root, "redis.netty-threads", 1),
                Settings.intValue(root, "redis.batches-in-flight", 1),
                Settings.intValue(root, "redis.shards", 0));
        if (settings.storeType().equals("redis") && settings.topology() instanceof RedisTopology.None) {
            throw new InvalidConfigException("redis.url", "or redis.sentinel.*, redis.cluster.nodes or redis.config-file "
                    + "is required when store.type is redis (set REDIS_URL)");
        }
        if (settings.shards() > MAX_SHARDS) {
            throw new InvalidConfigException("redis.shards", "must be at most " + MAX_SHARDS + " (a Cluster has 16,384 slots; "
                    + "every count and admin page reads each shard)");
        }
        if (settings.cleanupMaxDelay() < settings.cleanupMinDelay()) {
            throw new InvalidConfigException("redis.cleanup-max-delay", "must be >= redis.cleanup-min-delay");
        }
        return settings;
    }

    /** {@code redis.shards}, or its default for a client connected to this kind of Redis. */
    public int shardsFor(boolean cluster) {
        return shards > 0 ? shards : cluster ? CLUSTER_SHARDS : 1;
    }

    /** One server at {@code url} with no other credentials: what tests and tools build by hand. */
    public static RedisSettings forUrl(String url, int timeoutMs, String keyPrefix, int poolSize, int batchesInFlight) {
        return new RedisSettings("redis", new RedisTopology.SingleServer(URI.create(url)), RedisAccess.NONE, timeoutMs,
                timeoutMs, keyPrefix, 1, 5, 500, poolSize, 2, batchesInFlight, 0);
    }
}
