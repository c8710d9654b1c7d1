package io.sessionpresence.realtime.transport;

import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One connection's message being assembled from its WebSocket frames, within
 * {@link MessageBuffers}' bound and deadline. Frames arrive on the connection's reader thread;
 * the deadline fires on the timer thread, hence the locking.
 */
public final class MessageBuffer {
    /** Why a frame was not taken; the message so far is dropped. */
    public enum Refusal {
        /** Longer than the connection's limit ({@code realtime.max-payload}). */
        TOO_LARGE,
        /** Every unfinished message together would exceed {@code realtime.max-buffered-bytes}. */
        SERVER_FULL
    }

    /** What {@link #add} made of a frame: the whole message, nothing yet, or a refusal. */
    public record Outcome(Optional<String> message, Optional<Refusal> refusal) {
        private static final Outcome MORE = new Outcome(Optional.empty(), Optional.empty());
    }

    private final MessageBuffers buffers;
    private final int maxChars;
    private final Runnable onExpired;
    private final StringBuilder text = new StringBuilder();
    private long reserved;
    private Future<?> deadline;
    /** Counts messages, so that a deadline that fires late cannot end the next message. */
    private long message;

    MessageBuffer(MessageBuffers buffers, int maxChars, Runnable onExpired) {
        this.buffers = buffers;
        this.maxChars = maxChars;
        this.onExpired = onExpired;
    }

    /** Adds one text frame's payload; {@code last} ends the message. */
    public synchronized Outcome add(String part, boolean last) {
        if (last && text.isEmpty()) {
            // A whole message in one frame (the usual case): nothing to hold.
            return part.length() > maxChars ? refused(Refusal.TOO_LARGE) : new Outcome(Optional.of(part), Optional.empty());
        }
        if (text.length() + part.length() > maxChars) {
            return refused(Refusal.TOO_LARGE);
        }
        long bytes = 2L * part.length();
        if (!buffers.reserve(bytes)) {
            return refused(Refusal.SERVER_FULL);
        }
        reserved += bytes;
        text.append(part);
        if (deadline == null) {
            long started = message;
            deadline = buffers.timers().schedule(() -> expire(started), buffers.timeout().toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        if (!last) {
            return Outcome.MORE;
        }
        String message = text.toString();
        clear();
        return new Outcome(Optional.of(message), Optional.empty());
    }

    /** Drops the message so far (the connection ended). */
    public synchronized void clear() {
        text.setLength(0);
        text.trimToSize();
        buffers.release(reserved);
        reserved = 0;
        message++;
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private Outcome refused(Refusal refusal) {
        clear();
        return new Outcome(Optional.empty(), Optional.of(refusal));
    }

    private void expire(long started) {
        synchronized (this) {
            if (message != started) {
                return;
            }
            clear();
        }
        Thread.ofVirtual().name("message-deadline").start(onExpired);
    }
}
