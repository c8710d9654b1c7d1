package io.sessionpresence.cache;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.sessionpresence.store.RedisKeys;
import org.redisson.api.RMapCache;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * One {@code RMapCache} entry per user with its own TTL, in the map of the user's shard
 * ({@link RedisKeys#shardOf} of the user id); get and put are one round trip each.
 */
public final class RedisUserCacheStore implements UserCacheStore {
    private final RedisKeys keys;
    private final List<RMapCache<String, String>> maps;

    public RedisUserCacheStore(RedissonClient redis, RedisKeys keys) {
        this.keys = keys;
        this.maps = keys.perShard(shard -> redis.getMapCache(keys.userCache(shard), StringCodec.INSTANCE));
    }

    private RMapCache<String, String> mapOf(String userId) {
        return maps.get(keys.shardOf(userId));
    }

    @Override
    public Optional<String> get(String userId) {
        return Optional.ofNullable(mapOf(userId).get(userId));
    }

    @Override
    public void put(String userId, String json, long ttlMillis) {
        mapOf(userId).fastPut(userId, json, ttlMillis, TimeUnit.MILLISECONDS);
    }
}
