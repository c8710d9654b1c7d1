package io.sessionpresence.realtime.transport;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory every unfinished client message of this process may hold, and how long one may stay
 * unfinished. A WebSocket message can arrive in any number of frames (continuations) and is
 * buffered until its last one: without a bound shared by all connections, a few hundred clients
 * each leaving a message one frame short of {@code realtime.max-payload} would fill the heap,
 * and without a deadline they could keep it filled.
 *
 * <p>Characters count as 2 bytes each (a Java string holds up to that). Whatever happens to a
 * connection, what its message holds is returned by the time the deadline passes: the deadline
 * task frees it even when the connection vanished without a close callback.
 */
public final class MessageBuffers {
    private final long maxBytes;
    private final Duration timeout;
    private final ScheduledExecutorService timers;
    private final AtomicLong held = new AtomicLong();

    /**
     * @param maxBytes most bytes all unfinished messages together may hold
     * @param timeout  how long a message may take from its first frame to its last
     * @param timers   runs the deadlines (their tasks never block)
     */
    public MessageBuffers(long maxBytes, Duration timeout, ScheduledExecutorService timers) {
        this.maxBytes = maxBytes;
        this.timeout = timeout;
        this.timers = timers;
    }

    /**
     * A buffer for one connection's messages.
     *
     * @param maxChars  the longest message the connection may send
     * @param onExpired runs (in its own thread) when a message is still unfinished at its deadline;
     *                  its buffer is already freed
     */
    public MessageBuffer newBuffer(int maxChars, Runnable onExpired) {
        return new MessageBuffer(this, maxChars, onExpired);
    }

    /** Bytes held now by unfinished messages, all connections together. */
    public long held() {
        return held.get();
    }

    public Duration timeout() {
        return timeout;
    }

    /** Takes {@code bytes} of the budget; false, taking nothing, if that would go past it. */
    public boolean reserve(long bytes) {
        while (true) {
            long now = held.get();
            if (now + bytes > maxBytes) {
                return false;
            }
            if (held.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    /** Gives back what {@link #reserve} took. */
    public void release(long bytes) {
        held.addAndGet(-bytes);
    }

    ScheduledExecutorService timers() {
        return timers;
    }
}
