package io.sessionpresence.realtime.transport;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;

import io.helidon.metrics.api.Counter;

/**
 * One connection's outbound messages: a bounded FIFO that any thread may fill without blocking
 * and one consumer at a time drains (a WebSocket writer, or a long-polling GET). Past
 * {@code capacity} the {@link Overflow} policy applies: every message dropped is counted, and the
 * first drop of each burst is logged with the connection's label (never its content).
 */
public final class Outbox {
    private static final Logger LOG = Logger.getLogger(Outbox.class.getName());

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private final int capacity;
    private final Overflow overflow;
    private final String label;
    private final Counter dropped;
    private boolean closed;
    private boolean dropping;
    private long wakeups;

    /** @param dropped counts the messages dropped (the oldest, or the one refused before a disconnect) */
    public Outbox(int capacity, Overflow overflow, String label, Counter dropped) {
        this.capacity = capacity;
        this.overflow = overflow;
        this.label = label;
        this.dropped = dropped;
    }

    /**
     * Queues a message. Returns false only when the queue is full under {@link Overflow#DISCONNECT}
     * (the caller then closes the connection); after {@link #close} messages are ignored.
     */
    public boolean offer(String message) {
        lock.lock();
        try {
            if (closed) {
                return true;
            }
            if (queue.size() >= capacity) {
                dropped.increment();
                if (overflow == Overflow.DISCONNECT) {
                    LOG.warning(() -> "Realtime " + label + ": send queue full (" + capacity
                            + " messages); disconnecting the slow client");
                    return false;
                }
                queue.pollFirst();
                if (!dropping) {
                    dropping = true;
                    LOG.warning(() -> "Realtime " + label + ": send queue full (" + capacity
                            + " messages); dropping the oldest for this slow client");
                }
            } else if (queue.size() < capacity / 2) {
                dropping = false;
            }
            queue.addLast(message);
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Every queued message, waiting up to {@code timeoutNanos} for the first; empty on timeout, wake-up or close. */
    public List<String> drain(long timeoutNanos) throws InterruptedException {
        lock.lock();
        try {
            awaitChange(timeoutNanos);
            List<String> all = new ArrayList<>(queue);
            queue.clear();
            return all;
        } finally {
            lock.unlock();
        }
    }

    private void awaitChange(long timeoutNanos) throws InterruptedException {
        long remaining = timeoutNanos;
        long generation = wakeups;
        while (queue.isEmpty() && !closed && generation == wakeups && remaining > 0) {
            remaining = changed.awaitNanos(remaining);
        }
    }

    /** Makes every waiting consumer return now, so that it re-reads its connection's state. */
    public void wake() {
        lock.lock();
        try {
            wakeups++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** No more messages are accepted; queued ones can still be drained. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** True when closed and nothing is left to drain. */
    public boolean isFinished() {
        lock.lock();
        try {
            return closed && queue.isEmpty();
        } finally {
            lock.unlock();
        }
    }
}
