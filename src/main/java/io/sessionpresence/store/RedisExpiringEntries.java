package io.sessionpresence.store;

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
import org.redisson.api.RScript;
import org.redisson.api.RScoredSortedSet;
import org.redisson.api.RedissonClient;
import org.redisson.api.map.event.EntryExpiredListener;
import org.redisson.client.codec.StringCodec;

/**
 * An {@code RMapCache} with per-entry TTL. Newest-first reads walk Redisson's own expiry ZSET
 * ({@link RedisKeys#expiryIndexOf}) backwards: a page of 100 reads 100 entries whatever the map
 * holds, in one script.
 */
public final class RedisExpiringEntries implements ExpiringEntries {
    /**
     * KEYS: map, its expiry ZSET; ARGV: now, offset, limit. Returns the live count, then the page's
     * values. Redisson keeps each RMapCache value as {@code struct.pack('dLc0', maxIdle, len, value)};
     * entries here never have a maxIdle, so the expiry ZSET alone says what is live (as in
     * Redisson's own reads).
     */
    private static final String NEWEST_FIRST_SCRIPT = """
            local live = '(' .. ARGV[1]
            local page = {tostring(redis.call('zcount', KEYS[2], live, '+inf'))}
            local keys = redis.call('zrevrangebyscore', KEYS[2], '+inf', live, 'LIMIT', ARGV[2], ARGV[3])
            if #keys > 0 then
              for _, packed in ipairs(redis.call('hmget', KEYS[1], unpack(keys))) do
                if packed then
                  local _, value = struct.unpack('dLc0', packed)
                  page[#page + 1] = value
                end
              end
            end
            return page
            """;

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
    private final RScript script;

    public RedisExpiringEntries(RedissonClient redis, RedisBatcher batcher, String name, BatchPublisher publisher) {
        this.batcher = batcher;
        this.name = name;
        this.map = redis.getMapCache(name, StringCodec.INSTANCE);
        this.expiryIndex = redis.getScoredSortedSet(RedisKeys.expiryIndexOf(name), StringCodec.INSTANCE);
        this.script = redis.getScript(StringCodec.INSTANCE);
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
    public Page<String> newestFirst(int offset, int limit) {
        List<String> reply = script.eval(name, RScript.Mode.READ_ONLY, NEWEST_FIRST_SCRIPT, RScript.ReturnType.LIST,
                List.of(name, RedisKeys.expiryIndexOf(name)),
                Long.toString(System.currentTimeMillis()), Integer.toString(offset), Integer.toString(limit));
        return Page.of(List.copyOf(reply.subList(1, reply.size())), Long.parseLong(reply.getFirst()), offset);
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
