package io.sessionpresence.store;

import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

import com.github.benmanes.caffeine.cache.Expiry;

/**
 * Caffeine expiry policies for the in-memory stores: each entry expires at a wall-clock instant
 * carried by its value, which is how the Redis stores' per-entry TTLs behave.
 */
public final class Expiries {
    private Expiries() {
    }

    /** Expire each entry at the epoch-millisecond instant its value names; reads do not extend it. */
    public static <K, V> Expiry<K, V> atEpochMillis(ToLongFunction<V> expiresAt) {
        return Expiry.writing((K key, V value) ->
                java.time.Duration.ofNanos(nanosUntil(expiresAt.applyAsLong(value))));
    }

    /** Nanoseconds from now until an epoch-millisecond instant, at least 1 (already expired). */
    public static long nanosUntil(long epochMillis) {
        return Math.max(1, TimeUnit.MILLISECONDS.toNanos(epochMillis - System.currentTimeMillis()));
    }
}
