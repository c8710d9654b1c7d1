package io.sessionpresence.cache;

import java.util.Optional;

/**
 * Cached per-user data (a JSON document as text) with a TTL. Implementations:
 * {@link RedisUserCacheStore}, {@link MemoryUserCacheStore}.
 */
public interface UserCacheStore {
    Optional<String> get(String userId);

    void put(String userId, String json, long ttlMillis);
}
