package io.sessionpresence.cache;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.sessionpresence.json.Json;

/** Per-user cached data: a JSON object per user, kept {@code cache.ttl} after each write. */
public final class UserCacheService {
    private final UserCacheStore store;
    private final long ttlMillis;

    public UserCacheService(UserCacheStore store, long ttlSeconds) {
        this.store = store;
        this.ttlMillis = ttlSeconds * 1000;
    }

    /**
     * The stored document as the text it was stored as, written into the answer unparsed: read
     * back into a tree, its numbers would become doubles ({@code 1e-400} would read as 0).
     */
    public Optional<RawValue> get(String userId) {
        return store.get(userId).map(RawValue::new);
    }

    public void put(String userId, JsonNode data) {
        store.put(userId, Json.writeString(data), ttlMillis);
    }

    public long ttlSeconds() {
        return ttlMillis / 1000;
    }
}
