package io.sessionpresence.store;

import java.time.InstantSource;

import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;

/**
 * The time that stamps and ends sessions, presence and activity, injected from {@code Main}
 * through the backend into every store and service, so that nothing that expires reads the
 * system clock on its own.
 *
 * @param clock     the instants every timestamp and deadline is taken from ({@code expiresAt},
 *                  {@code lastSeen}, the "live now" bound of every listing and count)
 * @param ticker    what the memory stores' Caffeine caches measure durations with; it must run at
 *                  the pace of {@code clock}, since each entry's deadline is a {@code clock}
 *                  instant turned into a duration on write ({@link Expiries})
 * @param scheduler what wakes those caches to evict entries (and announce their expiry) on time;
 *                  it must fire when {@code ticker} reaches the deadline
 */
public record TimeSource(InstantSource clock, Ticker ticker, Scheduler scheduler) {

    /**
     * Production time: the system clock, and Caffeine's own defaults beside it (the monotonic
     * {@code nanoTime} ticker and its JVM-wide scheduler thread), so the memory stores expire
     * exactly as they did before time was injected. Redis keeps its own clock for its TTLs, and
     * Redisson's map caches stamp with the system clock, so the Redis stores run on this only.
     */
    public static TimeSource system() {
        return new TimeSource(InstantSource.system(), Ticker.systemTicker(), Scheduler.systemScheduler());
    }

    /** Now, in epoch milliseconds, the unit of every stored timestamp. */
    public long millis() {
        return clock.millis();
    }
}
