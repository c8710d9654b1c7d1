package io.sessionpresence.store;

import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

import com.github.benmanes.caffeine.cache.Expiry;

/**
 * Caffeine expiry policies for the in-memory stores: each entry expires at a wall-clock instant
 * carried by its value, which is how the Redis stores' per-entry TTLs behave. The instant is
 * turned into a duration against the store's {@link TimeSource#clock()}, which Caffeine then
 * measures with the matching {@link TimeSource#ticker()}.
 */
public final class Expiries {
    private Expiries() {
    }

    /** Expire each entry at the epoch-millisecond instant its value names; reads do not extend it. */
    public static <K, V> Expiry<K, V> atEpochMillis(ToLongFunction<V> expiresAt, InstantSource clock) {
        return Expiry.writing((K key, V value) -> Duration.ofNanos(nanosUntil(expiresAt.applyAsLong(value), clock)));
    }

    /** Nanoseconds from {@code clock}'s now until an epoch-millisecond instant, at least 1 (already expired). */
    public static long nanosUntil(long epochMillis, InstantSource clock) {
        return Math.max(1, TimeUnit.MILLISECONDS.toNanos(epochMillis - clock.millis()));
    }
}
