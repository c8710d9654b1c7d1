package io.sessionpresence.realtime.engineio;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One Engine.IO v4 packet: a type digit and an optional payload, text or binary.
 *
 * <p>Text packets travel as {@code <type><data>}. Binary data is a message packet: as is in a
 * WebSocket binary frame, {@code b<base64>} inside a long-polling payload, where packets are
 * joined by the record separator {@code \u001e}.
 */
public record EioPacket(Type type, String text, byte[] binary) {
    public static final char SEPARATOR = '\u001e';

    public enum Type {
        OPEN, CLOSE, PING, PONG, MESSAGE, UPGRADE, NOOP;

        char code() {
            return (char) ('0' + ordinal());
        }
    }

    public static EioPacket of(Type type, String text) {
        return new EioPacket(type, text, null);
    }

    public static EioPacket binaryMessage(byte[] data) {
        return new EioPacket(Type.MESSAGE, "", data);
    }

    public boolean isBinary() {
        return binary != null;
    }

    /** The text form of a MESSAGE packet carrying {@code text}: {@code 4<text>}. */
    public static String encodeMessage(String text) {
        return Type.MESSAGE.code() + text;
    }

    /** The text form of a text packet. */
    public String encode() {
        return type.code() + text;
    }

    /** A text packet as received in a WebSocket text frame or a polling payload. */
    public static EioPacket decode(String encoded) throws EioProtocolException {
        if (encoded.isEmpty()) {
            throw new EioProtocolException("empty packet");
        }
        int code = encoded.charAt(0) - '0';
        if (code < 0 || code >= Type.values().length) {
            throw new EioProtocolException("unknown packet type");
        }
        return of(Type.values()[code], encoded.substring(1));
    }

    /** The packets of a long-polling request body. */
    public static List<EioPacket> decodePayload(String body) throws EioProtocolException {
        List<EioPacket> packets = new ArrayList<>();
        int start = 0;
        while (start <= body.length()) {
            int end = body.indexOf(SEPARATOR, start);
            if (end < 0) {
                end = body.length();
            }
            String encoded = body.substring(start, end);
            if (encoded.startsWith("b")) {
                try {
                    packets.add(binaryMessage(Base64.getDecoder().decode(encoded.substring(1))));
                } catch (IllegalArgumentException e) {
                    throw new EioProtocolException("invalid base64 in binary packet");
                }
            } else {
                packets.add(decode(encoded));
            }
            start = end + 1;
        }
        return packets;
    }

    /** A long-polling response body from encoded text packets. */
    public static String encodePayload(List<String> encodedPackets) {
        return String.join(String.valueOf(SEPARATOR), encodedPackets);
    }
}
