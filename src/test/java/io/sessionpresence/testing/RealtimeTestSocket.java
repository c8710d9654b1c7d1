package io.sessionpresence.testing;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionpresence.json.Json;

/**
 * One realtime connection of a test, over either protocol, authenticated the way the browser
 * modules do (credentials in the first {@code /ws} frame, or in Socket.IO's {@code auth}), on top
 * of {@link WsTestClient}: the raw messages stay visible, so a test can check exactly what
 * arrived before the server closed the connection.
 */
public final class RealtimeTestSocket implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(5);

    /** The two protocols. */
    public enum Protocol {
        WS, SOCKET_IO
    }

    private final Protocol protocol;
    private final WsTestClient ws;
    private int nextAck = 1;

    private RealtimeTestSocket(Protocol protocol, WsTestClient ws) {
        this.protocol = protocol;
        this.ws = ws;
    }

    /** Connects with {@code authJson} ({@code {"session_token": ...}} or {@code {"token": ...}}). */
    public static RealtimeTestSocket connect(Protocol protocol, int port, String authJson) {
        if (protocol == Protocol.WS) {
            WsTestClient ws = WsTestClient.connect(port, "/ws");
            ws.send("{\"event\":\"auth\",\"data\":" + authJson + "}");
            ws.nextEvent("authenticated", WAIT);
            return new RealtimeTestSocket(protocol, ws);
        }
        WsTestClient ws = WsTestClient.connect(port, "/socket.io/?EIO=4&transport=websocket");
        String open = ws.next(WAIT);
        if (!open.startsWith("0")) {
            throw new AssertionError("expected the Engine.IO open packet, got " + open);
        }
        ws.send("40" + authJson);
        String answer = ws.next(m -> m.startsWith("40") || m.startsWith("44"), WAIT);
        if (!answer.startsWith("40")) {
            throw new AssertionError("connect refused: " + answer);
        }
        return new RealtimeTestSocket(protocol, ws);
    }

    public WsTestClient raw() {
        return ws;
    }

    /** Sends a client event (with an acknowledgement id on Socket.IO, whose ack then also arrives). */
    public void emit(String event, String dataJson) {
        if (protocol == Protocol.WS) {
            ws.send("{\"event\":" + Json.writeString(event) + ",\"data\":" + dataJson + "}");
        } else {
            ws.send("42" + nextAck++ + "[" + Json.writeString(event) + "," + dataJson + "]");
        }
    }

    /** Joins the admin room and waits for its snapshot. */
    public void joinAdmin() {
        emit("join-room", "{\"room\":\"admin\"}");
        nextEvent("admin:snapshot");
    }

    /** The next server event with this name: its data. */
    public JsonNode nextEvent(String name) {
        return eventData(ws.next(m -> name.equals(eventName(m)), WAIT));
    }

    /** The event name of a server message, or null when it carries no event (acks, pings, control packets). */
    public String eventName(String message) {
        if (protocol == Protocol.WS) {
            return Json.read(message, JsonNode.class).path("event").asText(null);
        }
        return message.startsWith("42[") ? Json.read(message.substring(2), JsonNode.class).path(0).asText(null) : null;
    }

    /** The data of a server event message. */
    public JsonNode eventData(String message) {
        if (protocol == Protocol.WS) {
            return Json.read(message, JsonNode.class).path("data");
        }
        return Json.read(message.substring(2), JsonNode.class).path(1);
    }

    /** Everything received and not yet read, in order (call once the connection is closed). */
    public List<String> remaining() {
        return ws.drain(Duration.ofMillis(50));
    }

    @Override
    public void close() {
        ws.close();
    }
}
