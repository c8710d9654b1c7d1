package io.sessionpresence.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import io.sessionpresence.realtime.AdminEvent;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RMapCache;
import org.redisson.api.RScoredSortedSet;
import org.redisson.api.RedissonClient;
import org.redisson.api.map.event.EntryExpiredListener;
import org.redisson.client.codec.StringCodec;

/**
 * An {@code RMapCache} with per-entry TTL. Newest-first reads walk Redisson's own expiry ZSET
 * ({@link RedisKeys#expiryIndexOf}) backwards with {@code ZREVRANGEBYSCORE ... LIMIT}, then fetch
 * just those values: a page of 100 reads 100 entries whatever the map holds.
 */
public final class RedisExpiringEntries implements ExpiringEntries {
    /** Queues an admin event into a batch that is about to be executed (pipelined PUBLISH). */
    @FunctionalInterface
    public interface BatchPublisher {
        void publishAsync(RBatch batch, AdminEvent event);
    }

    private final RedisBatcher batcher;
    private final String name;
    private final RMapCache<String, String> map;
    private final RScoredSortedSet<String> expiryIndex;
    private final BatchPublisher publisher;

    public RedisExpiringEntries(RedissonClient redis, RedisBatcher batcher, String name, BatchPublisher publisher) {
        this.batcher = batcher;
        this.name = name;
        this.map = redis.getMapCache(name, StringCodec.INSTANCE);
        this.expiryIndex = redis.getScoredSortedSet(RedisKeys.expiryIndexOf(name), StringCodec.INSTANCE);
        this.publisher = publisher;
    }

    @Override
    public void put(String key, String json, long expiresAt, AdminEvent event) {
        long ttlMillis = Math.max(1, expiresAt - System.currentTimeMillis());
        batcher.call(batch -> {
            RFuture<Boolean> written = batch.<String, String>getMapCache(name, StringCodec.INSTANCE)
                    .fastPutAsync(key, json, ttlMillis, TimeUnit.MILLISECONDS);
            publisher.publishAsync(batch, event);
            return written;
        });
    }

    @Override
    public Map<String, String> getAll(Collection<String> keys) {
        return keys.isEmpty() ? Map.of() : map.getAll(new LinkedHashSet<>(keys));
    }

    @Override
    public Optional<String> remove(String key) {
        return Optional.ofNullable(map.remove(key));
    }

    @Override
    public List<String> newestFirst(int offset, int limit) {
        Collection<String> keys = expiryIndex.valueRangeReversed(System.currentTimeMillis(), false,
                Double.POSITIVE_INFINITY, true, offset, limit);
        if (keys.isEmpty()) {
            return List.of();
        }
        Map<String, String> values = getAll(keys);
        List<String> result = new ArrayList<>(keys.size());
        for (String key : keys) {
            String value = values.get(key);
            if (value != null) {
                result.add(value);
            }
        }
        return result;
    }

    @Override
    public long count() {
        return expiryIndex.count(System.currentTimeMillis(), false, Double.POSITIVE_INFINITY, true);
    }

    @Override
    public void onExpired(BiConsumer<String, String> listener) {
        map.addListener((EntryExpiredListener<String, String>) event -> listener.accept(event.getKey(), event.getValue()));
    }
}
