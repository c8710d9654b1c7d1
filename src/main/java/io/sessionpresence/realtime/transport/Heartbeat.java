package io.sessionpresence.realtime.transport;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A connection's liveness check: a ping {@code intervalMs} after start or after the last pong;
 * if the next pong does not come within {@code timeoutMs}, {@code onTimeout} runs. An abrupt
 * disconnect gives no event at all, so this is what reaps dead clients (after at most
 * interval + timeout). The callbacks run on the shared timer thread and must not block.
 */
public final class Heartbeat {
    private final ScheduledExecutorService timers;
    private final long intervalMs;
    private final long timeoutMs;
    private final Runnable sendPing;
    private final Runnable onTimeout;
    private ScheduledFuture<?> next;
    private boolean stopped;

    public Heartbeat(ScheduledExecutorService timers, long intervalMs, long timeoutMs, Runnable sendPing,
                     Runnable onTimeout) {
        this.timers = timers;
        this.intervalMs = intervalMs;
        this.timeoutMs = timeoutMs;
        this.sendPing = sendPing;
        this.onTimeout = onTimeout;
    }

    /** Starts the cycle; also what a pong does (the next ping comes a full interval later). */
    public synchronized void start() {
        if (stopped) {
            return;
        }
        cancel();
        next = timers.schedule(this::ping, intervalMs, TimeUnit.MILLISECONDS);
    }

    public void pong() {
        start();
    }

    private void ping() {
        synchronized (this) {
            if (stopped) {
                return;
            }
            next = timers.schedule(this::timeout, timeoutMs, TimeUnit.MILLISECONDS);
        }
        sendPing.run();
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
