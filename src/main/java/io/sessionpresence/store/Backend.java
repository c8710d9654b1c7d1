package io.sessionpresence.store;

import java.util.Optional;

import org.redisson.api.RedissonClient;

/**
 * The store chosen at startup: Redis (with its client and key names) or memory.
 *
 * @param name  "redis" or "memory", as reported by the stats routes
 * @param redis the client, present only for Redis
 * @param keys    key names, meaningful only for Redis
 * @param batcher shares round trips between concurrent hot-path calls; null for memory
 */
public record Backend(String name, Optional<RedissonClient> redis, RedisKeys keys, RedisBatcher batcher) {
    public static Backend memory() {
        return new Backend("memory", Optional.empty(), new RedisKeys("sp:"), null);
    }

    public static Backend redis(RedissonClient client, RedisKeys keys, RedisBatcher batcher) {
        return new Backend("redis", Optional.of(client), keys, batcher);
    }

    public boolean isRedis() {
        return redis.isPresent();
    }

    public RedissonClient redisClient() {
        return redis.orElseThrow(() -> new IllegalStateException("the memory backend has no Redis client"));
    }

    public void close() {
        redis.ifPresent(RedissonClient::shutdown);
    }
}
