package io.sessionpresence.realtime.transport;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A connection's liveness check: a ping {@code intervalMs} after start or after the last pong;
 * if the next pong does not come within {@code timeoutMs}, {@code onTimeout} runs. An abrupt
 * disconnect gives no event at all, so this is what reaps dead clients (after at most
 * interval + timeout). The callbacks run on the shared timer thread and must not block.
 *
 * <p>The pong deadline counts from when the ping was due, not from when the timer thread got
 * round to sending it, and {@link #overdue} reports it passed before the timeout task has run:
 * on a busy machine that thread runs late, and a client that follows the announced timings
 * (e.g. polls again interval + timeout after its handshake) must find the session gone.
 */
public final class Heartbeat {
    private final ScheduledExecutorService timers;
    private final long intervalNanos;
    private final long timeoutNanos;
    private final Runnable sendPing;
    private final Runnable onTimeout;
    private ScheduledFuture<?> next;
    private long pingDue;
    private boolean awaitingPong;
    private boolean stopped;

    public Heartbeat(ScheduledExecutorService timers, long intervalMs, long timeoutMs, Runnable sendPing,
                     Runnable onTimeout) {
        this.timers = timers;
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMs);
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        this.sendPing = sendPing;
        this.onTimeout = onTimeout;
    }

    /** Starts the cycle; also what a pong does (the next ping comes a full interval later). */
    public synchronized void start() {
        if (stopped) {
            return;
        }
        cancel();
        awaitingPong = false;
        pingDue = System.nanoTime() + intervalNanos;
        next = timers.schedule(this::ping, intervalNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Only the pong a ping waits for restarts the cycle: unsolicited ones (RFC 6455 allows them)
     * would otherwise put the next ping off for as long as a client keeps sending them, and with it
     * the checks made at each ping.
     */
    public synchronized void pong() {
        if (awaitingPong) {
            start();
        }
    }

    private void ping() {
        synchronized (this) {
            if (stopped) {
                return;
            }
            awaitingPong = true;
            next = timers.schedule(this::timeout, pingDue + timeoutNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }
        sendPing.run();
    }

    /** True once a ping went unanswered past its deadline, whether or not the timeout has run yet. */
    public synchronized boolean overdue() {
        return awaitingPong && !stopped && System.nanoTime() - (pingDue + timeoutNanos) >= 0;
    }

    private void timeout() {
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
        }
        onTimeout.run();
    }

    public synchronized void stop() {
        stopped = true;
        cancel();
    }

    private void cancel() {
        if (next != null) {
            next.cancel(false);
        }
    }
}
