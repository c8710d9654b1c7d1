package io.sessionpresence.realtime;

import io.sessionpresence.json.Json;


/**
 * One server-to-client event, serialised once however many sockets receive it: its JSON is
 * written at construction, and each wire form is built on first use and then shared.
 */
public final class Emission {
    private final String eventJson;
    private final String dataJson;
    private volatile String webSocketFrame;
    private volatile String socketIoPacket;

    public Emission(String event, Object data) {
        this.eventJson = Json.writeString(event);
        this.dataJson = Json.writeString(data);
    }

    /** The plain WebSocket text frame: {@code {"event": name, "data": {...}}}. */
    public String webSocketFrame() {
        String frame = webSocketFrame;
        if (frame == null) {
            frame = "{\"event\":" + eventJson + ",\"data\":" + dataJson + "}";
            webSocketFrame = frame;
        }
        return frame;
    }

    /** The Engine.IO message carrying a Socket.IO EVENT on the main namespace: {@code 42["name",{...}]}. */
    public String socketIoPacket() {
        String packet = socketIoPacket;
        if (packet == null) {
            packet = "42[" + eventJson + "," + dataJson + "]";
            socketIoPacket = packet;
        }
        return packet;
    }
}
