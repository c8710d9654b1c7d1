package io.sessionpresence.cache;

import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.sessionpresence.store.Expiries;
import io.sessionpresence.store.TimeSource;

/** Caffeine entries expiring at their own deadline, like the Redis entries' TTL. */
public final class MemoryUserCacheStore implements UserCacheStore {
    private record Entry(String json, long expiresAt) {
    }

    private final TimeSource time;
    private final Cache<String, Entry> cache;

    public MemoryUserCacheStore(TimeSource time) {
        this.time = time;
        this.cache = Caffeine.newBuilder()
                .ticker(time.ticker())
                .expireAfter(Expiries.<String, Entry>atEpochMillis(Entry::expiresAt, time.clock()))
                .build();
    }

    @Override
    public Optional<String> get(String userId) {
        return Optional.ofNullable(cache.getIfPresent(userId)).map(Entry::json);
    }

    @Override
    public void put(String userId, String json, long ttlMillis) {
        cache.put(userId, new Entry(json, time.millis() + ttlMillis));
    }
}
