package io.sessionpresence.cache;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.sessionpresence.store.RedisKeys;
import org.redisson.api.RMapCache;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/** One {@code RMapCache} entry per user with its own TTL; get and put are one round trip each. */
public final class RedisUserCacheStore implements UserCacheStore {
    private final RMapCache<String, String> map;

    public RedisUserCacheStore(RedissonClient redis, RedisKeys keys) {
        this.map = redis.getMapCache(keys.userCache(), StringCodec.INSTANCE);
    }

    @Override
    public Optional<String> get(String userId) {
        return Optional.ofNullable(map.get(userId));
    }

    @Override
    public void put(String userId, String json, long ttlMillis) {
        map.fastPut(userId, json, ttlMillis, TimeUnit.MILLISECONDS);
    }
}
