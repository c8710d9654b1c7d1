package io.sessionpresence.realtime.transport;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.concurrency.limits.LimitException;
import io.helidon.common.socket.SocketContext;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.websocket.ClientWsFrame;
import io.helidon.websocket.WsCloseCodes;
import io.helidon.websocket.WsCloseException;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsOpCode;
import io.helidon.websocket.WsSession;

/**
 * An upgraded WebSocket, in place of Helidon's {@code WsConnection}: Helidon's frame parser
 * (masking, lengths, {@code max-frame-length}) and the same calls to the listener, plus the rules
 * of RFC 6455 that Helidon 4.5 does not keep, each of which fails the connection with its close
 * code (the listener's {@code onError} first, as for any failure):
 * <ul>
 * <li>Text is UTF-8, checked across the frames of a message (1007). Helidon decoded each frame
 *     alone, with replacement characters: a character split between two frames was lost, and
 *     invalid bytes became U+FFFD in a user's name or page.</li>
 * <li>Control frames are whole (FIN set) and carry at most 125 bytes (1002).</li>
 * <li>A close frame's payload is empty or a code and a UTF-8 reason (1002, 1007); Helidon
 *     answered a 1-byte payload with 1011 and an internal error message.</li>
 * <li>A new message may not start while a fragmented one is open, nor a continuation come without
 *     one (1002); a reserved opcode gets 1002 too, where Helidon's reader threw.</li>
 * </ul>
 * Every write goes through the context's {@link FrameGate}.
 */
final class CheckedWsConnection implements ServerConnection, WsSession {
    private static final Logger LOG = Logger.getLogger(CheckedWsConnection.class.getName());
    private static final int MAX_CONTROL_PAYLOAD = 125;

    private final ConnectionContext ctx;
    private final HttpPrologue prologue;
    private final Optional<String> subProtocol;
    private final WsListener listener;
    private final int maxFrameLength;
    private final DataReader reader;
    private final ReentrantLock sendLock = new ReentrantLock();
    private final AtomicBoolean closeSent = new AtomicBoolean();
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

    /** The message being received: none, text or binary (a continuation continues it). */
    private WsOpCode receiving;
    /** Bytes at the end of the last text frame that begin a character the next frame finishes. */
    private byte[] partialCharacter = new byte[0];
    /** Guarded by sendLock: the last data frame sent had no FIN, so the next is a continuation. */
    private boolean sendingFragments;

    private volatile Thread handler;
    private volatile boolean canRun = true;
    private volatile boolean readingNetwork;
    private volatile long lastFrameNanos = System.nanoTime();

    CheckedWsConnection(ConnectionContext ctx, HttpPrologue prologue, Optional<String> subProtocol,
                        WsListener listener, int maxFrameLength) {
        this.ctx = ctx;
        this.prologue = prologue;
        this.subProtocol = subProtocol;
        this.listener = listener;
        this.maxFrameLength = maxFrameLength;
        this.reader = ctx.dataReader();
    }

    @Override
    public void handle(Limit limit) {
        handler = Thread.currentThread();
        try {
            limit.run(() -> listener.onOpen(this));
        } catch (LimitException e) {
            close(WsCloseCodes.TRY_AGAIN_LATER, "Too Many Concurrent Requests");
            return;
        } catch (CloseConnectionException e) {
            throw e;
        } catch (Exception e) {
            close(WsCloseCodes.UNEXPECTED_CONDITION, "");
            return;
        }
        while (canRun) {
            ClientWsFrame frame = readFrame();
            lastFrameNanos = System.nanoTime();
            try {
                if (!limit.call(() -> process(frame)).result()) {
                    return;
                }
            } catch (LimitException e) {
                listener.onClose(this, WsCloseCodes.TRY_AGAIN_LATER, "Too Many Concurrent Requests");
                close(WsCloseCodes.TRY_AGAIN_LATER, "Too Many Concurrent Requests");
                return;
            } catch (ProtocolViolation e) {
                fail(e.code, e.getMessage());
                return;
            } catch (CloseConnectionException e) {
                throw e;
            } catch (Exception e) {
                LOG.log(Level.FINE, e, () -> "WebSocket listener failed");
                listener.onError(this, e);
                close(WsCloseCodes.UNEXPECTED_CONDITION, "");
                return;
            }
        }
        close(WsCloseCodes.NORMAL_CLOSE, "Idle timeout");
    }

    private ClientWsFrame readFrame() {
        readingNetwork = true;
        try {
            return ClientWsFrame.read(ctx, reader, maxFrameLength);
        } catch (DataReader.InsufficientDataAvailableException e) {
            throw new CloseConnectionException("Socket closed by the other side", e);
        } catch (WsCloseException e) {
            fail(e.closeCode(), e.getMessage());
            throw new CloseConnectionException("WebSocket failed to read a client frame", e);
        } catch (IllegalArgumentException e) {
            // Helidon's parser names no opcode for 3-7 and 11-15
            fail(WsCloseCodes.PROTOCOL_ERROR, "Reserved opcode");
            throw new CloseConnectionException("WebSocket frame with a reserved opcode", e);
        } finally {
            readingNetwork = false;
        }
    }

    /** Tells the listener, then sends the close frame (the listener's channel yields it to us). */
    private void fail(int code, String reason) {
        LOG.log(Level.FINE, () -> "WebSocket failed: " + code + " " + reason);
        listener.onError(this, new WsCloseException(reason, code));
        close(code, reason);
    }

    /** @return false once the connection is to end */
    private boolean process(ClientWsFrame frame) {
        BufferData payload = frame.payloadData();
        WsOpCode opCode = frame.opCode();
        if (opCode == WsOpCode.PING || opCode == WsOpCode.PONG || opCode == WsOpCode.CLOSE) {
            if (!frame.fin() || frame.payloadLength() > MAX_CONTROL_PAYLOAD) {
                throw new ProtocolViolation(WsCloseCodes.PROTOCOL_ERROR, "Fragmented or oversized control frame");
            }
        }
        switch (opCode) {
        case TEXT, BINARY -> {
            if (receiving != null) {
                throw new ProtocolViolation(WsCloseCodes.PROTOCOL_ERROR, "New message before the last one ended");
            }
            receiving = opCode;
            deliver(payload, frame.fin());
        }
        case CONTINUATION -> {
            if (receiving == null) {
                throw new ProtocolViolation(WsCloseCodes.PROTOCOL_ERROR, "Continuation with no message to continue");
            }
            deliver(payload, frame.fin());
        }
        case PING -> listener.onPing(this, payload);
        case PONG -> listener.onPong(this, payload);
        case CLOSE -> {
            closed(payload);
            return false;
        }
        default -> throw new ProtocolViolation(WsCloseCodes.PROTOCOL_ERROR, "Reserved opcode");
        }
        return true;
    }

    private void deliver(BufferData payload, boolean last) {
        WsOpCode type = receiving;
        if (last) {
            receiving = null;
        }
        if (type == WsOpCode.BINARY) {
            listener.onMessage(this, payload, last);
        } else {
            listener.onMessage(this, text(payload, last), last);
        }
    }

    /** This frame's characters, with any begun at the end of the last frame; the bytes of one begun here are kept. */
    private String text(BufferData payload, boolean last) {
        byte[] bytes = new byte[partialCharacter.length + payload.available()];
        System.arraycopy(partialCharacter, 0, bytes, 0, partialCharacter.length);
        payload.read(bytes, partialCharacter.length, payload.available());
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = utf8.decode(in, out, last);
        if (result.isError() || last && utf8.flush(out).isError()) {
            throw new ProtocolViolation(WsCloseCodes.NOT_CONSISTENT, "Text is not valid UTF-8");
        }
        partialCharacter = new byte[in.remaining()];
        in.get(partialCharacter);
        if (last) {
            utf8.reset();
        }
        return out.flip().toString();
    }

    /**
     * The peer's close: its code (1000 for none) and reason, checked, go to the listener, which
     * answers it; if it did not, the code is echoed here (RFC 6455 5.5.1).
     */
    private void closed(BufferData payload) {
        int code = WsCloseCodes.NORMAL_CLOSE;
        String reason = "";
        if (payload.available() == 1) {
            throw new ProtocolViolation(WsCloseCodes.PROTOCOL_ERROR, "Close frame with a 1-byte payload");
        }
        if (payload.available() >= 2) {
            code = payload.readInt16();
            if (!sendable(code)) {
                throw new ProtocolViolation(WsCloseCodes.PROTOCOL_ERROR, "Invalid close code " + code);
            }
            byte[] bytes = new byte[payload.available()];
            payload.read(bytes);
            try {
                reason = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw new ProtocolViolation(WsCloseCodes.NOT_CONSISTENT, "Close reason is not valid UTF-8");
            }
        }
        listener.onClose(this, code, reason);
        close(code, "");
    }

    /** Codes an endpoint may put in a close frame (RFC 6455 7.4). */
    private static boolean sendable(int code) {
        return code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999;
    }

    // ---- WsSession: what the listeners send

    @Override
    public WsSession send(String text, boolean last) {
        return sendData(WsOpCode.TEXT, text.getBytes(StandardCharsets.UTF_8), last);
    }

    @Override
    public WsSession send(BufferData data, boolean last) {
        byte[] bytes = new byte[data.available()];
        data.read(bytes);
        return sendData(WsOpCode.BINARY, bytes, last);
    }

    private WsSession sendData(WsOpCode type, byte[] payload, boolean last) {
        sendLock.lock();
        try {
            WsOpCode opCode = sendingFragments ? WsOpCode.CONTINUATION : type;
            sendingFragments = !last;
            write((last ? 0x80 : 0) | opCode.code(), payload);
        } finally {
            sendLock.unlock();
        }
        return this;
    }

    @Override
    public WsSession ping(BufferData data) {
        return control(WsOpCode.PING, data);
    }

    @Override
    public WsSession pong(BufferData data) {
        return control(WsOpCode.PONG, data);
    }

    private WsSession control(WsOpCode opCode, BufferData data) {
        byte[] payload = new byte[Math.min(data.available(), MAX_CONTROL_PAYLOAD)];
        data.read(payload);
        write(0x80 | opCode.code(), payload);
        return this;
    }

    /** Sends a close frame, once; the reason is cut to what a control frame holds, at a character's end. */
    @Override
    public WsSession close(int code, String reason) {
        if (!closeSent.compareAndSet(false, true)) {
            return this;
        }
        byte[] reasonBytes = reason.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(reasonBytes.length, MAX_CONTROL_PAYLOAD - 2);
        while (length < reasonBytes.length && length > 0 && (reasonBytes[length] & 0xC0) == 0x80) {
            length--;
        }
        byte[] payload = new byte[2 + length];
        payload[0] = (byte) (code >> 8);
        payload[1] = (byte) code;
        System.arraycopy(reasonBytes, 0, payload, 2, length);
        write(0x80 | WsOpCode.CLOSE.code(), payload);
        return this;
    }

    /**
     * One whole frame, through the {@link FrameGate}, which writes one frame at a time: a control
     * frame may go out between the fragments of a message (RFC 6455 5.4), so only the data frames'
     * continuation state needs {@code sendLock}.
     */
    private void write(int firstByte, byte[] payload) {
        BufferData frame = BufferData.create(headerLength(payload.length) + payload.length);
        writeHeader(frame, firstByte, payload.length);
        frame.write(payload);
        ctx.dataWriter().writeNow(frame);
    }

    static int headerLength(int payloadLength) {
        return payloadLength < 126 ? 2 : payloadLength < 1 << 16 ? 4 : 10;
    }

    /** RFC 6455 5.2, server to client (never masked). */
    static void writeHeader(BufferData frame, int firstByte, int payloadLength) {
        frame.write(firstByte);
        if (payloadLength < 126) {
            frame.write(payloadLength);
        } else if (payloadLength < 1 << 16) {
            frame.write(126);
            frame.writeInt16(payloadLength);
        } else {
            frame.write(127);
            frame.writeInt64(payloadLength);
        }
    }

    @Override
    public WsSession terminate() {
        close(WsCloseCodes.NORMAL_CLOSE, "Terminate");
        throw new CloseConnectionException("Terminate from WebSocket");
    }

    @Override
    public Optional<String> subProtocol() {
        return subProtocol;
    }

    @Override
    public SocketContext socketContext() {
        return ctx;
    }

    @Override
    public HttpPrologue prologue() {
        return prologue;
    }

    // ---- ServerConnection: Helidon's idle check and shutdown

    @Override
    public Duration idleTime() {
        return Duration.ofNanos(System.nanoTime() - lastFrameNanos);
    }

    @Override
    public void close(boolean interrupt) {
        canRun = false;
        Thread running = handler;
        if (running != null && (interrupt || readingNetwork)) {
            running.interrupt();
        }
    }

    /** A frame that breaks RFC 6455, with the close code that says how. */
    private static final class ProtocolViolation extends RuntimeException {
        private final int code;

        ProtocolViolation(int code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }
}
