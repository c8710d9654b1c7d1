package io.sessionpresence.realtime.socketio;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionpresence.json.Json;
import io.sessionpresence.realtime.engineio.EioProtocolException;

/**
 * One Socket.IO v5 packet in the default parser's text form:
 * {@code <type>[<attachments>-][<namespace>,][<ack id>][<JSON payload>]}, the namespace only when
 * it is not {@code /}. Decoding applies the reference parser's validity rules (payload shape per
 * type, reserved event names), so that what it rejects closes the connection here too.
 *
 * @param type        packet type
 * @param attachments binary attachments that follow (binary packet types only)
 * @param nsp         namespace
 * @param id          acknowledgement id, or -1 for none
 * @param data        payload, or null for none
 */
public record SioPacket(Type type, int attachments, String nsp, long id, JsonNode data) {
    public static final String MAIN_NAMESPACE = "/";
    private static final int MAX_ID_DIGITS = 15;
    private static final Set<String> RESERVED_EVENTS = Set.of(
            "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener");

    public enum Type {
        CONNECT, DISCONNECT, EVENT, ACK, CONNECT_ERROR, BINARY_EVENT, BINARY_ACK;

        boolean binary() {
            return this == BINARY_EVENT || this == BINARY_ACK;
        }
    }

    public static SioPacket of(Type type, String nsp, long id, JsonNode data) {
        return new SioPacket(type, 0, nsp, id, data);
    }

    public boolean hasId() {
        return id >= 0;
    }

    /** The event name of an EVENT packet. */
    public String eventName() {
        return data.get(0).asText();
    }

    /**
     * An EVENT on the main namespace without an ack id, from JSON already written:
     * {@code 2["name",{...}]}. How every admin event goes out, so it skips building a packet tree.
     */
    public static String encodeEvent(String eventJson, String dataJson) {
        return (char) ('0' + Type.EVENT.ordinal()) + "[" + eventJson + "," + dataJson + "]";
    }

    public String encode() {
        StringBuilder out = new StringBuilder().append((char) ('0' + type.ordinal()));
        if (type.binary()) {
            out.append(attachments).append('-');
        }
        if (!MAIN_NAMESPACE.equals(nsp)) {
            out.append(nsp).append(',');
        }
        if (hasId()) {
            out.append(id);
        }
        if (data != null) {
            out.append(Json.writeString(data));
        }
        return out.toString();
    }

    public static SioPacket decode(String text) throws EioProtocolException {
        if (text.isEmpty()) {
            throw new EioProtocolException("empty Socket.IO packet");
        }
        int code = text.charAt(0) - '0';
        if (code < 0 || code >= Type.values().length) {
            throw new EioProtocolException("unknown Socket.IO packet type");
        }
        Type type = Type.values()[code];
        int i = 1;
        int attachments = 0;
        if (type.binary()) {
            int dash = text.indexOf('-', i);
            if (dash < 0 || !isDigits(text, i, dash) || dash - i > 6) {
                throw new EioProtocolException("illegal attachments");
            }
            attachments = Integer.parseInt(text.substring(i, dash));
            i = dash + 1;
        }
        String nsp = MAIN_NAMESPACE;
        if (i < text.length() && text.charAt(i) == '/') {
            int comma = text.indexOf(',', i);
            int end = comma < 0 ? text.length() : comma;
            nsp = text.substring(i, end);
            i = comma < 0 ? end : comma + 1;
        }
        long id = -1;
        int idStart = i;
        while (i < text.length() && isDigit(text.charAt(i))) {
            i++;
        }
        if (i > idStart) {
            if (i - idStart > MAX_ID_DIGITS) {
                throw new EioProtocolException("ack id too long");
            }
            id = Long.parseLong(text.substring(idStart, i));
        }
        JsonNode data = null;
        if (i < text.length()) {
            try {
                data = Json.parse(text.substring(i));
            } catch (Json.MalformedJson e) {
                throw new EioProtocolException("invalid JSON payload: " + e.getMessage());
            }
            if (!payloadValid(type, data)) {
                throw new EioProtocolException("invalid payload for " + type);
            }
        } else if (type == Type.EVENT || type == Type.BINARY_EVENT || type == Type.ACK || type == Type.BINARY_ACK) {
            throw new EioProtocolException("missing payload for " + type);
        }
        return new SioPacket(type, attachments, nsp, id, data);
    }

    private static boolean payloadValid(Type type, JsonNode data) {
        return switch (type) {
            case CONNECT -> data.isObject();
            case DISCONNECT -> false;
            case CONNECT_ERROR -> data.isObject() || data.isTextual();
            case EVENT, BINARY_EVENT -> data.isArray() && !data.isEmpty()
                    && (data.get(0).isNumber() || data.get(0).isTextual() && !RESERVED_EVENTS.contains(data.get(0).asText()));
            case ACK, BINARY_ACK -> data.isArray();
        };
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isDigits(String text, int from, int to) {
        if (from >= to) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (!isDigit(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
