package io.sessionpresence.realtime.transport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.common.buffers.BufferData;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.websocket.WsSession;

/**
 * The sending side of one WebSocket. A write blocks until the frame is written, so every frame
 * goes out under one lock, normally from this channel's own writer thread draining an
 * {@link Outbox}: publishers only enqueue, and a client that stops reading stalls its writer
 * alone (and is dropped at its next ping, {@link #stalledLongerThan}).
 *
 * <p>Text frames are written straight to the connection's socket, and whatever the writer finds
 * queued goes out as consecutive frames in one write: with Helidon's {@code send}, each frame
 * was its own write (one syscall, one TCP segment, one writer wake-up), which at 100 admin
 * sockets and 1,000 events/s saturated the CPU. Batches only form once a socket falls behind,
 * so an idle one still gets each event at once. Control frames (ping, pong, close) go through the
 * {@link WsSession}, under the same lock.
 *
 * <p>Exactly one close frame ends the connection, and nothing follows it: whoever sends it
 * first, under the lock, marks the channel closed, and every later frame is dropped. The
 * listener's {@code onClose} answers the peer's close through {@link #answerClose} (the
 * connection answers only a close its listener left unanswered), and {@code onError}, after which
 * the connection writes its own close with the failure's code, calls {@link #yieldClose}. (With
 * Helidon's connection, the writer's close, its interruption and Helidon's reply raced: second,
 * missing, truncated and garbage close frames.) The {@link FrameGate} every write goes through
 * stops anything after a close frame, whoever wrote it.
 *
 * <p>A graceful close sends the queued messages, then a close frame; a client that does not let
 * that happen within {@link #CLOSE_GRACE} is aborted. {@link #abort} drops the TCP connection at
 * once: interrupting a virtual thread blocked on a socket closes that socket, which also ends
 * the connection's reader thread (onClose is then never called, so callers clean up themselves).
 */
public final class WsChannel {
    public static final Duration CLOSE_GRACE = Duration.ofSeconds(2);
    private static final Logger LOG = Logger.getLogger(WsChannel.class.getName());

    /** FIN + text opcode: every frame we send is one whole text message. */
    private static final int FIN_TEXT = 0x81;

    private final WsSession session;
    private final FrameGate socket;
    private final String label;
    private final ReentrantLock sendLock = new ReentrantLock();
    private volatile Thread writer;
    private volatile int closeCode = 1000;
    private volatile String closeReason = "";
    /** Guarded by sendLock: once set, nothing more is written. */
    private boolean closeSent;
    /** {@code System.nanoTime()} when the write in progress began; 0 while none is. */
    private volatile long writeStarted;

    public WsChannel(WsSession session, String label) {
        this.session = session;
        if (!(session.socketContext() instanceof ConnectionContext connection)
                || !(connection.dataWriter() instanceof FrameGate gate)) {
            throw new IllegalStateException("not a WebSocket upgraded by ServiceWsUpgrades: " + session.socketContext());
        }
        this.socket = gate;
        this.label = label;
    }

    /** Sends one text frame in the caller's thread (used before a writer runs, e.g. for the upgrade probe). */
    public void send(String text) {
        send(List.of(text));
    }

    /** Sends a WebSocket ping; a failure is ignored (the missing pong then reaps the connection). */
    public void ping() {
        sendLock.lock();
        try {
            if (!closeSent) {
                timed(() -> session.ping(BufferData.empty()));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, e, () -> "Realtime " + label + ": ping failed");
        } finally {
            sendLock.unlock();
        }
    }

    /** Answers a client's ping (instead of Helidon's default, which would write outside our lock). */
    public void pong(BufferData payload) {
        sendLock.lock();
        try {
            if (!closeSent) {
                timed(() -> session.pong(payload));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, e, () -> "Realtime " + label + ": pong failed");
        } finally {
            sendLock.unlock();
        }
    }

    /** Sends messages in order, as consecutive text frames in one write; false once the channel is closed. */
    private boolean send(List<String> messages) {
        List<byte[]> payloads = new ArrayList<>(messages.size());
        int size = 0;
        for (String message : messages) {
            byte[] payload = message.getBytes(StandardCharsets.UTF_8);
            payloads.add(payload);
            size += CheckedWsConnection.headerLength(payload.length) + payload.length;
        }
        BufferData frames = BufferData.create(size);
        for (byte[] payload : payloads) {
            CheckedWsConnection.writeHeader(frames, FIN_TEXT, payload.length);
            frames.write(payload);
        }
        sendLock.lock();
        try {
            return !closeSent && timed(() -> socket.writeFrames(frames));
        } finally {
            sendLock.unlock();
        }
    }

    /** Runs a blocking write, under the send lock, so that {@link #stalledLongerThan} can see how long it takes. */
    private <T> T timed(Supplier<T> write) {
        writeStarted = System.nanoTime();
        try {
            return write.get();
        } finally {
            writeStarted = 0;
        }
    }

    /**
     * True while one write has been blocked for more than {@code limitMillis}: the peer stopped
     * reading (its receive window and our send buffer are full). A client can keep answering
     * pings without ever reading, so its heartbeat alone would never reap it: the heartbeat's
     * ping asks this too, and drops the connection.
     */
    public boolean stalledLongerThan(long limitMillis) {
        long started = writeStarted;
        return started != 0 && System.nanoTime() - started > TimeUnit.MILLISECONDS.toNanos(limitMillis);
    }

    /**
     * Starts the writer: it sends {@code outbox}'s messages in order until the outbox is closed
     * and empty, then a close frame. {@code onFailure} runs if a send fails (the peer is gone).
     */
    public void startWriter(Outbox outbox, Consumer<RuntimeException> onFailure) {
        writer = Thread.ofVirtual().name("ws-writer-" + label).start(() -> {
            try {
                while (!outbox.isFinished()) {
                    List<String> messages = outbox.drain(Long.MAX_VALUE);
                    if (!messages.isEmpty() && !send(messages)) {
                        return;
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
            sendCloseLocked(closeCode, closeReason);
        } finally {
            sendLock.unlock();
        }
    }

    private void sendCloseLocked(int code, String reason) {
        if (!closeSent) {
            closeSent = true;
            session.close(code, reason);
        }
    }

    /**
     * Answers the peer's close frame, echoing its code (RFC 6455 5.5.1; {@link CheckedWsConnection}
     * passes only codes that may be sent), unless we already sent ours; for the listener's
     * {@code onClose}, in the connection's reader thread, which then sees the close as sent and
     * does not answer again. Our writer may still be writing (the peer closed
     * while messages were going out): the answer waits for that write, up to {@link #CLOSE_GRACE}
     * for a peer that does not read, which is then aborted.
     */
    public void answerClose(int peerCode) {
        finish(() -> sendCloseLocked(peerCode, ""));
    }

    /**
     * Stops every frame of ours, for the listener's {@code onError}: the connection writes its
     * own close frame right after it returns, so ours must not be sent, and a write in progress
     * must be over.
     */
    public void yieldClose() {
        finish(() -> closeSent = true);
    }

    /** Runs {@code underLock} under the send lock, or aborts a peer whose stalled write holds it too long. */
    private void finish(Runnable underLock) {
        try {
            if (!sendLock.tryLock(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                abort();
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort();
            return;
        }
        try {
            underLock.run();
        } finally {
            sendLock.unlock();
        }
    }

    /** Drops the connection now, whatever its writer and reader are doing. */
    public void abort() {
        Thread running = writer;
        if (running != null) {
            running.interrupt();
        }
        if (session instanceof ServerConnection connection) {
            connection.close(true);
        }
    }
}
