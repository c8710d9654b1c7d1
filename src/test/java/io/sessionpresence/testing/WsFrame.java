package io.sessionpresence.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * One WebSocket frame as a server sent it (RFC 6455 5.2), read byte by byte so that a test can
 * judge everything on the wire, not only what a client library would pass on.
 *
 * @param firstByte FIN, RSV1-3 and the opcode
 * @param masked    whether the mask bit was set (a server must never set it)
 * @param payload   the payload, unmasked
 */
public record WsFrame(int firstByte, boolean masked, byte[] payload) {
    public static final int CONTINUATION = 0x0;
    public static final int TEXT = 0x1;
    public static final int CLOSE = 0x8;

    /** Reads one frame; an EOF inside a frame (a truncated one) is an {@link java.io.EOFException}. */
    public static WsFrame read(DataInputStream in) throws IOException {
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long length = second & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        if (length < 0 || length > Integer.MAX_VALUE - 8) {
            throw new IOException("frame length " + length);
        }
        byte[] mask = new byte[4];
        boolean masked = (second & 0x80) != 0;
        if (masked) {
            in.readFully(mask);
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        for (int i = 0; masked && i < payload.length; i++) {
            payload[i] ^= mask[i % 4];
        }
        return new WsFrame(first, masked, payload);
    }

    public int opcode() {
        return firstByte & 0x0F;
    }

    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** The close code, if this close frame carries one. */
    public Optional<Integer> closeCode() {
        return payload.length < 2 ? Optional.empty() : Optional.of((payload[0] & 0xFF) << 8 | payload[1] & 0xFF);
    }

    /**
     * Why this frame is not a well-formed unfragmented server frame of the kind it claims to be
     * (RFC 6455 5.2, 5.5, 5.5.1, 7.4), or empty when it is.
     */
    public Optional<String> defect() {
        if ((firstByte & 0xF0) != 0x80) {
            return Optional.of("FIN/RSV bits " + Integer.toBinaryString(firstByte >> 4));
        }
        if (masked) {
            return Optional.of("masked server frame");
        }
        if (opcode() == TEXT) {
            return validUtf8(payload, 0) ? Optional.empty() : Optional.of("text not UTF-8");
        }
        if (opcode() != CLOSE) {
            return opcode() == 0x9 || opcode() == 0xA ? Optional.empty() : Optional.of("opcode " + opcode());
        }
        if (payload.length == 1 || payload.length > 125) {
            return Optional.of("close payload of " + payload.length + " bytes");
        }
        int code = closeCode().orElse(1000);
        boolean sendable = code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999;
        if (!sendable) {
            return Optional.of("close code " + code);
        }
        return validUtf8(payload, 2) ? Optional.empty() : Optional.of("close reason not UTF-8");
    }

    private static boolean validUtf8(byte[] bytes, int offset) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, offset, Math.max(0, bytes.length - offset)));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
