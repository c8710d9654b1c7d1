package io.sessionpresence.store;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import io.sessionpresence.realtime.AdminEvent;
import io.sessionpresence.realtime.AdminEvents;

/**
 * Caffeine entries expiring at their own deadline. Caffeine's scheduler removes them on time (so
 * expiry events are prompt, like Redisson's eviction task); newest-first reads use Caffeine's
 * expiration order ({@code youngest}), which reads only the entries returned.
 */
public final class MemoryExpiringEntries implements ExpiringEntries {
    private record Entry(String json, long expiresAt) {
    }

    private final List<BiConsumer<String, String>> expiryListeners = new CopyOnWriteArrayList<>();
    private final Cache<String, Entry> cache;
    private final Policy.VarExpiration<String, Entry> expiration;
    private final AdminEvents events;

    public MemoryExpiringEntries(AdminEvents events) {
        this.events = events;
        this.cache = Caffeine.newBuilder()
                .expireAfter(Expiries.<String, Entry>atEpochMillis(Entry::expiresAt))
                .scheduler(Scheduler.systemScheduler())
                .evictionListener((String key, Entry entry, RemovalCause cause) -> {
                    if (cause == RemovalCause.EXPIRED && key != null && entry != null) {
                        expiryListeners.forEach(l -> l.accept(key, entry.json()));
                    }
                })
                .build();
        this.expiration = cache.policy().expireVariably().orElseThrow();
    }

    @Override
    public void put(String key, String json, long ttlMillis, AdminEvent event) {
        cache.put(key, new Entry(json, System.currentTimeMillis() + ttlMillis));
        events.publish(event);
    }

    @Override
    public Optional<String> get(String key) {
        return Optional.ofNullable(cache.getIfPresent(key)).map(Entry::json);
    }

    @Override
    public Optional<String> remove(String key) {
        return Optional.ofNullable(cache.asMap().remove(key)).map(Entry::json);
    }

    @Override
    public List<String> newestFirst(int offset, int limit) {
        long now = System.currentTimeMillis();
        return expiration.youngest(entries -> entries
                .filter(e -> e.getValue().expiresAt() > now)
                .skip(offset)
                .limit(limit)
                .map(e -> e.getValue().json())
                .toList());
    }

    @Override
    public long count() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    @Override
    public void onExpired(BiConsumer<String, String> listener) {
        expiryListeners.add(listener);
    }
}
