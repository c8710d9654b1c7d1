package io.sessionpresence.limits;

import io.sessionpresence.store.RedisBatcher;
import io.sessionpresence.store.RedisKeys;

/**
 * Makes the limiters whose count must hold across every instance of the service (credential
 * guessing, logins per user): the backend makes them, in Redis when instances share one, in this
 * process when the store is.
 */
@FunctionalInterface
public interface SharedLimiters {
    /** Counted in this process: right for the memory store, which is one instance by definition. */
    SharedLimiters LOCAL = (name, rate) -> new LocalLimiter(rate);

    /** Counted in the Redis every instance shares, under {@link RedisKeys#limit}. */
    static SharedLimiters inRedis(RedisBatcher batcher, RedisKeys keys) {
        return (name, rate) -> new RedisLimiter(batcher, keys.limit(name), rate);
    }

    /** @param name the limit's config name, e.g. {@code admin-failures-per-ip} (part of its Redis keys) */
    KeyedLimiter create(String name, Rate rate);
}
