package io.sessionpresence.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.sessionpresence.store.TimeSource;

/**
 * A clock that stands still until a test {@link #advance advances} it, for services on the
 * memory store: {@link #timeSource()} gives them this clock, a Caffeine ticker reading it, and a
 * Caffeine scheduler that fires when it is advanced past a wake-up, so that expiry, and the
 * events it announces, happen on {@code advance} instead of after a sleep.
 *
 * <p>It starts at the real time, on a whole millisecond: stored deadlines are epoch
 * milliseconds, and the ticker then reaches a deadline exactly when {@link #millis()} does.
 */
public final class ManualClock implements InstantSource {
    /** A wake-up Caffeine asked for; {@code future} is how it cancels one it no longer needs. */
    private record WakeUp(long dueNanos, long order, Runnable command, CompletableFuture<Void> future) {
        static final Comparator<WakeUp> DUE_FIRST = Comparator.comparingLong(WakeUp::dueNanos)
                .thenComparingLong(WakeUp::order);
    }

    private final AtomicLong epochNanos = new AtomicLong(TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis()));
    private final PriorityQueue<WakeUp> wakeUps = new PriorityQueue<>(WakeUp.DUE_FIRST);
    private long scheduled;

    @Override
    public Instant instant() {
        return Instant.ofEpochSecond(0, epochNanos.get());
    }

    @Override
    public long millis() {
        return TimeUnit.NANOSECONDS.toMillis(epochNanos.get());
    }

    /** This clock for {@code Main.start}, {@code MemoryBackend} and the memory stores. */
    public TimeSource timeSource() {
        return new TimeSource(this, epochNanos::get, this::schedule);
    }

    /**
     * Moves time forward and runs, on this thread, every wake-up that came due: Caffeine's
     * maintenance, which evicts what expired and calls the stores' expiry listeners. When this
     * returns, what expired by the new time has been evicted and announced (the store removes an
     * entry once its timer wheel has passed the deadline: advance a little over a second past
     * it, as Caffeine runs up to about a second late on the real clock too).
     */
    public void advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("time does not go back: " + by);
        }
        // Caffeine maintains a cache on its executor (the common pool) after writes, reading the
        // time and asking for its next wake-up; let that finish at the old time first, or a
        // wake-up asked for at the old time could be filed after the new time's due ones ran.
        ForkJoinPool.commonPool().awaitQuiescence(10, TimeUnit.SECONDS);
        long now = epochNanos.addAndGet(by.toNanos());
        for (WakeUp due = nextDue(now); due != null; due = nextDue(now)) {
            if (!due.future().isCancelled()) {
                due.command().run();
                due.future().complete(null);
            }
        }
    }

    private synchronized WakeUp nextDue(long now) {
        WakeUp first = wakeUps.peek();
        return first != null && first.dueNanos() - now <= 0 ? wakeUps.poll() : null;
    }

    /**
     * Caffeine's {@code Scheduler}: the command is run by {@link #advance} on the advancing thread
     * rather than on {@code executor}, so that its effects are complete when {@code advance}
     * returns.
     */
    private synchronized Future<?> schedule(Executor executor, Runnable command, long delay, TimeUnit unit) {
        WakeUp wakeUp = new WakeUp(epochNanos.get() + unit.toNanos(delay), scheduled++, command,
                new CompletableFuture<>());
        wakeUps.add(wakeUp);
        return wakeUp.future();
    }
}
