package io.sessionpresence.store;

import java.time.Duration;
import java.util.Optional;

import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * One string key per connection ({@link RedisKeys#connectionOwner}), its value the owner's
 * address, expiring by Redis's own TTL: claim and refresh are a {@code SET ... PX}, release a
 * {@code DEL}, a lookup a {@code GET}; one round trip each.
 */
public final class RedisConnectionOwners implements ConnectionOwners {
    private final RedissonClient client;
    private final RedisKeys keys;

    public RedisConnectionOwners(RedissonClient client, RedisKeys keys) {
        this.client = client;
        this.keys = keys;
    }

    @Override
    public void claim(String id, String owner, long ttlMillis) {
        bucket(id).set(owner, Duration.ofMillis(ttlMillis));
    }

    @Override
    public void refresh(String id, String owner, long ttlMillis) {
        bucket(id).setAsync(owner, Duration.ofMillis(ttlMillis));
    }

    @Override
    public void release(String id) {
        bucket(id).deleteAsync();
    }

    @Override
    public Optional<String> ownerOf(String id) {
        return Optional.ofNullable(bucket(id).get());
    }

    private RBucket<String> bucket(String id) {
        return client.getBucket(keys.connectionOwner(id), StringCodec.INSTANCE);
    }
}
