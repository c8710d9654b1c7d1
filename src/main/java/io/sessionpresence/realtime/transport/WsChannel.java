package io.sessionpresence.realtime.transport;

import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.common.buffers.BufferData;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.websocket.WsSession;

/**
 * The sending side of one WebSocket. Helidon 4.3.1's {@link WsSession#send} blocks until the
 * frame is written and is not safe for concurrent use, so every frame goes out under one lock,
 * normally from this channel's own writer thread draining an {@link Outbox}: publishers only
 * enqueue, and a client that stops reading stalls its writer alone.
 *
 * <p>A graceful close sends the queued messages, then a close frame; a client that does not let
 * that happen within {@link #CLOSE_GRACE} is aborted. {@link #abort} drops the TCP connection at
 * once: interrupting a virtual thread blocked on a socket closes that socket, which also ends
 * Helidon's reader thread (onClose is then never called, so callers clean up themselves).
 */
public final class WsChannel {
    public static final Duration CLOSE_GRACE = Duration.ofSeconds(2);
    private static final Logger LOG = Logger.getLogger(WsChannel.class.getName());

    private final WsSession session;
    private final String label;
    private final ReentrantLock sendLock = new ReentrantLock();
    private volatile Thread writer;
    private volatile int closeCode = 1000;
    private volatile String closeReason = "";

    public WsChannel(WsSession session, String label) {
        this.session = session;
        this.label = label;
    }

    /** Sends one text frame in the caller's thread (used before a writer runs, e.g. for the upgrade probe). */
    public void send(String text) {
        sendLock.lock();
        try {
            session.send(text, true);
        } finally {
            sendLock.unlock();
        }
    }

    /** Sends a WebSocket ping; a failure is ignored (the missing pong then reaps the connection). */
    public void ping() {
        sendLock.lock();
        try {
            session.ping(BufferData.empty());
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, e, () -> "Realtime " + label + ": ping failed");
        } finally {
            sendLock.unlock();
        }
    }

    /**
     * Starts the writer: it sends {@code outbox}'s messages in order until the outbox is closed
     * and empty, then a close frame. {@code onFailure} runs if a send fails (the peer is gone).
     */
    public void startWriter(Outbox outbox, Consumer<RuntimeException> onFailure) {
        writer = Thread.ofVirtual().name("ws-writer-" + label).start(() -> {
            try {
                while (!outbox.isFinished()) {
                    String message = outbox.take(Long.MAX_VALUE);
                    if (message != null) {
                        send(message);
                    }
                }
                sendClose();
            } catch (InterruptedException e) {
                // aborted: the socket is already being dropped
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, e, () -> "Realtime " + label + ": send failed");
                onFailure.accept(e);
            }
        });
    }

    /**
     * Closes after the queued messages are sent: closes {@code outbox} (the writer then sends a
     * close frame with this code and reason) and aborts if that has not happened within the grace.
     */
    public void closeAfter(Outbox outbox, int code, String reason) {
        closeCode = code;
        closeReason = reason;
        outbox.close();
        Thread.ofVirtual().name("ws-close-guard-" + label).start(() -> {
            try {
                Thread running = writer;
                if (running != null) {
                    running.join(CLOSE_GRACE);
                }
                Thread.sleep(CLOSE_GRACE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            abort();
        });
    }

    /** Sends a close frame now, in the caller's thread (for a channel that never got a writer). */
    public void closeNow(int code, String reason) {
        closeCode = code;
        closeReason = reason;
        try {
            sendClose();
        } catch (RuntimeException e) {
            abort();
        }
    }

    private void sendClose() {
        sendLock.lock();
        try {
            session.close(closeCode, closeReason);
        } finally {
            sendLock.unlock();
        }
    }

    /** Stops the writer (the peer closed the connection; Helidon's reader answers its close frame). */
    public void stopWriter() {
        Thread running = writer;
        if (running != null) {
            running.interrupt();
        }
    }

    /** Drops the connection now, whatever its writer and reader are doing. */
    public void abort() {
        stopWriter();
        if (session instanceof ServerConnection connection) {
            connection.close(true);
        }
    }
}
