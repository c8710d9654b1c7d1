package io.sessionpresence.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.sessionpresence.events.AdminEvent;
import io.sessionpresence.events.AdminEvents;

/**
 * Caffeine entries expiring at their own deadline; Caffeine's scheduler removes them on time, so
 * expiry events are prompt (like Redisson's eviction task). Newest-first reads walk a skip list
 * ordered by expiry, the counterpart of Redisson's expiry ZSET, and read only what they return.
 */
public final class MemoryExpiringEntries implements ExpiringEntries {
    private record Entry(String json, long expiresAt) {
    }

    private record Slot(long expiresAt, String key) {
        static final Comparator<Slot> NEWEST_FIRST = Comparator.comparingLong(Slot::expiresAt).reversed()
                .thenComparing(Slot::key);
    }

    private final List<BiConsumer<String, String>> expiryListeners = new CopyOnWriteArrayList<>();
    private final ConcurrentSkipListSet<Slot> byExpiry = new ConcurrentSkipListSet<>(Slot.NEWEST_FIRST);
    private final Cache<String, Entry> cache;
    private final AdminEvents events;
    private final TimeSource time;
    private final MemoryBudget budget;

    /** @param budget the memory store's bound, shared with its other caches; {@code store.memory.max-presence} bounds these entries */
    public MemoryExpiringEntries(AdminEvents events, TimeSource time, MemoryBudget budget) {
        this.events = events;
        this.time = time;
        this.budget = budget;
        this.cache = budget.track(MemoryBudget.<String, Entry>weighed(MemoryExpiringEntries::weigh)
                .ticker(time.ticker())
                .expireAfter(Expiries.<String, Entry>atEpochMillis(Entry::expiresAt, time.clock()))
                .scheduler(time.scheduler())
                .evictionListener((String key, Entry entry, RemovalCause cause) -> {
                    if (key != null && entry != null) {
                        byExpiry.remove(new Slot(entry.expiresAt(), key));
                        if (cause == RemovalCause.EXPIRED) {
                            expiryListeners.forEach(l -> l.accept(key, entry.json()));
                        }
                    }
                })
                .build());
    }

    /** The entry, its key and their node in the cache and in the expiry skip list. */
    private static int weigh(String key, Entry entry) {
        return MemoryBudget.charsBytes(key, entry.json()) + 250;
    }

    @Override
    public void put(String key, String json, long expiresAt, AdminEvent event) {
        Entry entry = new Entry(json, expiresAt);
        if (!cache.asMap().containsKey(key)) {
            MemoryBudget.admitCount(cache.estimatedSize(), budget.limits().maxPresence(), "max-presence");
            budget.admit(weigh(key, entry));
        }
        cache.asMap().compute(key, (k, old) -> {
            if (old != null) {
                byExpiry.remove(new Slot(old.expiresAt(), k));
            }
            byExpiry.add(new Slot(entry.expiresAt(), k));
            return entry;
        });
        events.publish(event);
    }

    @Override
    public Map<String, String> getAll(Collection<String> keys) {
        Map<String, String> found = new HashMap<>();
        cache.getAllPresent(keys).forEach((key, entry) -> found.put(key, entry.json()));
        return found;
    }

    @Override
    public Optional<String> remove(String key) {
        Entry[] removed = new Entry[1];
        cache.asMap().computeIfPresent(key, (k, old) -> {
            byExpiry.remove(new Slot(old.expiresAt(), k));
            removed[0] = old;
            return null;
        });
        return Optional.ofNullable(removed[0]).map(Entry::json);
    }

    @Override
    public Page<Map.Entry<String, String>> newestFirst(int offset, int limit) {
        long now = time.millis();
        List<Map.Entry<String, String>> page = new ArrayList<>(Math.min(limit, 1024));
        int skipped = 0;
        for (Slot slot : byExpiry) {
            if (slot.expiresAt() <= now || page.size() >= limit) {
                break;
            }
            Entry entry = cache.getIfPresent(slot.key());
            if (entry == null || entry.expiresAt() != slot.expiresAt()) {
                continue;
            }
            if (skipped++ >= offset) {
                page.add(Map.entry(slot.key(), entry.json()));
            }
        }
        return Page.of(page, count(), offset);
    }

    @Override
    public long count() {
        cache.cleanUp();
        // Caffeine's timer wheel evicts up to about a second late: leave out what is past its
        // deadline but not yet evicted (the oldest end of the skip list), as Redis's ZCOUNT does.
        long now = time.millis();
        long expired = 0;
        for (Slot slot : byExpiry.descendingSet()) {
            if (slot.expiresAt() > now) {
                break;
            }
            expired++;
        }
        return Math.max(0, cache.estimatedSize() - expired);
    }

    @Override
    public void onExpired(BiConsumer<String, String> listener) {
        expiryListeners.add(listener);
    }
}
