package io.sessionpresence.realtime.transport;

import java.util.concurrent.locks.ReentrantLock;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;

/**
 * The writing side of an upgraded WebSocket, shared by the connection (the 101 response, pings,
 * pongs, close frames) and {@link WsChannel} (text frames): one write at a time, and nothing
 * after the first close frame, whoever wrote it (RFC 6455 5.5.1).
 *
 * <p>Helidon's own connection wrote a close frame by itself, without telling the listener, on an
 * unmasked frame, a frame over the size limit or a continuation with nothing to continue; a
 * message our writer thread had queued (the {@code error} answer to the frame just before, say)
 * then went out after that close. The fuzzer found it ({@code WsFrameFuzzTest}).
 * {@link CheckedWsConnection} tells the listener first, and the gate still holds whatever order
 * the threads write in.
 */
final class FrameGate implements DataWriter {
    /** FIN + close opcode: the first byte of a close frame (control frames are never fragmented). */
    private static final int CLOSE_FRAME = 0x88;

    private final DataWriter socket;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by lock. */
    private boolean closed;

    FrameGate(DataWriter socket) {
        this.socket = socket;
    }

    /**
     * Writes {@code frames} (whole frames) now, unless a close frame went out before.
     *
     * @return false if a close frame went out before, and nothing was written
     */
    boolean writeFrames(BufferData frames) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            closed = frames.available() > 0 && (frames.get(0) & 0xFF) == CLOSE_FRAME;
            socket.writeNow(frames);
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void writeNow(BufferData buffer) {
        writeFrames(buffer);
    }

    @Override
    public void writeNow(BufferData... buffers) {
        writeFrames(BufferData.create(buffers));
    }

    @Override
    public void write(BufferData buffer) {
        writeFrames(buffer);
    }

    @Override
    public void write(BufferData... buffers) {
        writeFrames(BufferData.create(buffers));
    }

    @Override
    public void flush() {
        socket.flush();
    }

    @Override
    public void close() {
        socket.close();
    }
}
