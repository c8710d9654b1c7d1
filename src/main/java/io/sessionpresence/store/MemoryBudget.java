package io.sessionpresence.store;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Weigher;

/**
 * The memory store's bounds, shared by its caches. Each cache weighs its entries (an estimate of
 * the bytes an entry holds: its strings at two bytes a character, plus the objects and map nodes
 * around them) and Caffeine keeps the sum; a new entry is admitted only while every cache together
 * stays under {@link MemoryLimits#maxBytes}. Caffeine sums weights as it maintains the cache, so
 * under a flood the figure lags by at most its write buffer: a bound, not an exact count.
 */
public final class MemoryBudget {
    private final MemoryLimits limits;
    private final List<Cache<?, ?>> caches = new CopyOnWriteArrayList<>();

    public MemoryBudget(MemoryLimits limits) {
        this.limits = limits;
    }

    public MemoryLimits limits() {
        return limits;
    }

    /**
     * A cache builder whose entries count against this budget (weighed, never evicted for size:
     * Caffeine's size eviction would drop live sessions, so the bound refuses instead).
     */
    public static <K, V> Caffeine<K, V> weighed(Weigher<K, V> weigher) {
        return Caffeine.newBuilder().maximumWeight(Long.MAX_VALUE).weigher(weigher);
    }

    /** Counts {@code cache}'s entries (built by {@link #weighed}) in the budget. */
    public <C extends Cache<?, ?>> C track(C cache) {
        caches.add(cache);
        return cache;
    }

    /** The estimated bytes of {@code cache}'s entries. */
    public static long bytesOf(Cache<?, ?> cache) {
        return cache.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
    }

    /**
     * Admits a new entry of about {@code bytes}, or refuses it when the store would pass
     * {@code store.memory.max-bytes}.
     */
    public void admit(long bytes) {
        long held = 0;
        for (Cache<?, ?> cache : caches) {
            held += bytesOf(cache);
        }
        admitBytes(held, bytes, limits.maxBytes(), "max-bytes");
    }

    /** Refuses a new entry when {@code held} entries are there and {@code max} (0 = no bound) allows no more. */
    public static void admitCount(long held, long max, String key) {
        if (max > 0 && held >= max) {
            throw full(key, max + "");
        }
    }

    /** Refuses a new entry of {@code bytes} when {@code held} bytes are there and {@code max} (0 = no bound) allows no more. */
    public static void admitBytes(long held, long bytes, long max, String key) {
        if (max > 0 && held + bytes > max) {
            throw full(key, max + " bytes");
        }
    }

    private static StoreFull full(String key, String bound) {
        return new StoreFull("Memory store full: store.memory." + key + " (" + bound
                + ") reached; new entries are refused until older ones expire");
    }

    /** Two bytes a character, as a String holding non-Latin-1 text takes. */
    public static int charsBytes(String... parts) {
        int chars = 0;
        for (String part : parts) {
            chars += part == null ? 0 : part.length();
        }
        return 2 * chars;
    }
}
