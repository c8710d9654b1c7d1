package io.sessionpresence.cache;

import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import io.sessionpresence.store.Expiries;
import io.sessionpresence.store.MemoryBudget;
import io.sessionpresence.store.TimeSource;

/**
 * Caffeine entries expiring at their own deadline, like the Redis entries' TTL, within the memory
 * store's bounds ({@code store.memory.max-cache-bytes} and the store's total).
 */
public final class MemoryUserCacheStore implements UserCacheStore {
    private record Entry(String json, long expiresAt) {
    }

    private final TimeSource time;
    private final MemoryBudget budget;
    private final Cache<String, Entry> cache;

    public MemoryUserCacheStore(TimeSource time, MemoryBudget budget) {
        this.time = time;
        this.budget = budget;
        this.cache = budget.track(MemoryBudget.<String, Entry>weighed(MemoryUserCacheStore::weigh)
                .ticker(time.ticker())
                .expireAfter(Expiries.<String, Entry>atEpochMillis(Entry::expiresAt, time.clock()))
                .build());
    }

    /** The data, the user id and their cache node. */
    private static int weigh(String userId, Entry entry) {
        return MemoryBudget.charsBytes(userId, entry.json()) + 150;
    }

    @Override
    public Optional<String> get(String userId) {
        return Optional.ofNullable(cache.getIfPresent(userId)).map(Entry::json);
    }

    @Override
    public void put(String userId, String json, long ttlMillis) {
        Entry entry = new Entry(json, time.millis() + ttlMillis);
        Entry held = cache.getIfPresent(userId);
        int added = weigh(userId, entry) - (held == null ? 0 : weigh(userId, held));
        if (added > 0) {
            // Caffeine sums weights as it maintains the cache: brought up to date first, so that the
            // bound counts the puts just made (cache writes are few; heartbeats never come here).
            cache.cleanUp();
            MemoryBudget.admitBytes(MemoryBudget.bytesOf(cache), added, budget.limits().maxCacheBytes(), "max-cache-bytes");
            budget.admit(added);
        }
        cache.put(userId, entry);
    }
}
