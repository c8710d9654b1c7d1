package io.sessionpresence.store;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

import io.sessionpresence.events.AdminEvent;

/**
 * A map of JSON entries that each expire on their own, readable newest first without reading
 * the whole map: the store role behind presence and session activity. Every entry in one map has
 * the same TTL, so expiry order is write order. Implementations: {@link RedisExpiringEntries}
 * (an {@code RMapCache}) and {@link MemoryExpiringEntries} (Caffeine).
 */
public interface ExpiringEntries {

    /**
     * Writes an entry that expires at {@code expiresAt} (epoch ms) and announces {@code event} to
     * every instance's admin room in the same round trip. Callers derive the expiry from the
     * timestamp inside the entry, so newest-first order is the entries' own time order.
     */
    void put(String key, String json, long expiresAt, AdminEvent event);

    /** The live entries among {@code keys}, by key: one round trip whatever their number. */
    Map<String, String> getAll(Collection<String> keys);

    Optional<String> remove(String key);

    /**
     * Live entries as (key, json), most recently written first, skipping {@code offset}, with the
     * number of all live entries: one round trip, reading only the entries it returns.
     */
    Page<Map.Entry<String, String>> newestFirst(int offset, int limit);

    /** Live entries (expired-but-not-yet-evicted ones are not counted). */
    long count();

    /**
     * Called with (key, json) when an entry expires: in Redis, on every instance, when Redisson's
     * eviction task removes it (within {@code redis.cleanup-max-delay} seconds of its TTL).
     */
    void onExpired(BiConsumer<String, String> listener);
}
