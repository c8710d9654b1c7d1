package io.sessionpresence.store;

import java.net.URI;
import java.net.URISyntaxException;

import io.helidon.config.Config;
import io.sessionpresence.config.InvalidConfigException;
import io.sessionpresence.config.Settings;

/**
 * The {@code store.type} and {@code redis.*} keys.
 *
 * @param storeType        auto, redis or memory
 * @param url              redis:// or rediss:// URL; empty = none
 * @param timeoutMs        per-command timeout (a request fails with 503 past it)
 * @param connectTimeoutMs connection timeout
 * @param keyPrefix        prefix of every key
 * @param cleanupMinDelay  Redisson eviction task: first delay, seconds
 * @param cleanupMaxDelay  Redisson eviction task: longest delay, seconds
 * @param cleanupKeys      entries the eviction task removes per run
 * @param poolSize         most connections to Redis (one per command in flight)
 * @param nettyThreads     Redisson's I/O threads
 * @param batchesInFlight  hot-path batches in flight before calls queue and share one ({@link RedisBatcher})
 */
public record RedisSettings(String storeType, String url, int timeoutMs, int connectTimeoutMs, String keyPrefix,
                            int cleanupMinDelay, int cleanupMaxDelay, int cleanupKeys, int poolSize,
                            int nettyThreads, int batchesInFlight) {

    public static RedisSettings from(Config root) {
        RedisSettings settings = new RedisSettings(
                Settings.oneOf(root, "store.type", "auto", "redis", "memory"),
                Settings.string(root, "redis.url").trim(),
                Settings.intValue(root, "redis.timeout-ms", 1),
                Settings.intValue(root, "redis.connect-timeout-ms", 1),
                Settings.string(root, "redis.key-prefix"),
                Settings.intValue(root, "redis.cleanup-min-delay", 1),
                Settings.intValue(root, "redis.cleanup-max-delay", 1),
                Settings.intValue(root, "redis.cleanup-keys-amount", 1),
                Settings.intValue(root, "redis.pool-size", 1),
                Settings.intValue(root, "redis.netty-threads", 1),
                Settings.intValue(root, "redis.batches-in-flight", 1));
        if (!settings.url().isEmpty()) {
            settings.uri();
        }
        if (settings.storeType().equals("redis") && settings.url().isEmpty()) {
            throw new InvalidConfigException("redis.url", "is required when store.type is redis (set REDIS_URL)");
        }
        if (settings.cleanupMaxDelay() < settings.cleanupMinDelay()) {
            throw new InvalidConfigException("redis.cleanup-max-delay", "must be >= redis.cleanup-min-delay");
        }
        return settings;
    }

    /** The parsed URL; a bad one stops startup naming {@code redis.url}. */
    public URI uri() {
        try {
            URI uri = new URI(url);
            if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
                throw new InvalidConfigException("redis.url", "must start with redis:// or rediss://");
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                throw new InvalidConfigException("redis.url", "has no host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new InvalidConfigException("redis.url", "is not a valid URL");
        }
    }

    /** The URL without its password, safe to log. */
    public String redactedUrl() {
        URI uri = uri();
        return uri.getScheme() + "://" + uri.getHost() + ":" + (uri.getPort() > 0 ? uri.getPort() : 6379)
                + (uri.getPath() == null ? "" : uri.getPath());
    }
}
