/**
 * Storage machinery shared by the features: connecting to Redis ({@link
 * io.sessionpresence.store.RedisConnection}), the Redis key schema with the cost of each operation
 * ({@link io.sessionpresence.store.RedisKeys}), round-trip sharing ({@link
 * io.sessionpresence.store.RedisBatcher}), expiring JSON entries in Redis or memory ({@link
 * io.sessionpresence.store.ExpiringEntries}), the one time every store stamps and expires by ({@link
 * io.sessionpresence.store.TimeSource}), outage detection and the store's own figures. The
 * feature stores (sessions, user cache) live with their features; {@code backend} picks which
 * kind is built. Depends on no HTTP, realtime or admin code.
 */
package io.sessionpresence.store;
