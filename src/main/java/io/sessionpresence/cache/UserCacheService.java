package io.sessionpresence.cache;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionpresence.json.Json;

/** Per-user cached data: a JSON object per user, kept {@code cache.ttl} after each write. */
public final class UserCacheService {
    private final UserCacheStore store;
    private final long ttlMillis;

    public UserCacheService(UserCacheStore store, long ttlSeconds) {
        this.store = store;
        this.ttlMillis = ttlSeconds * 1000;
    }

    public Optional<JsonNode> get(String userId) {
        return store.get(userId).map(json -> Json.read(json, JsonNode.class));
    }

    public void put(String userId, JsonNode data) {
        store.put(userId, Json.writeString(data), ttlMillis);
    }

    public long ttlSeconds() {
        return ttlMillis / 1000;
    }
}
