package io.sessionpresence.realtime.ws;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.sessionpresence.testing.RawWebSocket;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestService;
import io.sessionpresence.testing.WsFrame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules of RFC 6455 that Helidon's own WebSocket connection did not keep, and
 * {@code realtime.transport.CheckedWsConnection} does, on {@code /ws} and Socket.IO's WebSocket
 * alike: UTF-8 across the frames of a message, whole and short control frames, well-formed close
 * frames, no message inside another. Each broken rule fails the connection with its close code
 * and nothing after it.
 */
class WsProtocolRulesTest {
    private static final String SOCKET_IO = "/socket.io/?EIO=4&transport=websocket";
    private static final int PING = 0x9;
    private static final byte[] EURO = "€".getBytes(StandardCharsets.UTF_8);

    private static TestService service;

    @BeforeAll
    static void start() {
        service = TestService.start(StoreKind.MEMORY, Map.of("limits.enabled", "false"));
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The close frame the server ends with, after which the connection ends with nothing more. */
    private static int closeCode(RawWebSocket ws) throws IOException {
        while (true) {
            WsFrame frame = ws.readFrame();
            if (frame.opcode() == WsFrame.CLOSE) {
                ws.sendClose(1000);
                byte[] rest = ws.readToEnd(Duration.ofSeconds(2));
                assertEquals(0, rest.length, "nothing after the close frame");
                return frame.closeCode().orElse(1005);
            }
        }
    }

    @Test
    void aCharacterSplitBetweenFramesArrivesWhole() throws IOException {
        byte[] message = utf8("{\"event\":\"€vent\",\"data\":{}}");
        int split = 11; // inside the €: its first byte ends the first frame
        try (RawWebSocket ws = RawWebSocket.open(service.port(), "/ws")) {
            ws.sendFrame(false, WsFrame.TEXT, Arrays.copyOfRange(message, 0, split));
            ws.sendFrame(true, WsFrame.CONTINUATION, Arrays.copyOfRange(message, split, message.length));
            String answer = ws.readFrame().text();
            assertTrue(answer.contains("Unknown event '€vent'"), answer);
        }
        byte[] packet = utf8("42[\"€vent\",{}]");
        try (RawWebSocket sio = RawWebSocket.open(service.port(), SOCKET_IO)) {
            sio.readFrame(); // open
            sio.sendFrame(true, WsFrame.TEXT, utf8("40"));
            sio.readFrame(); // connect
            sio.sendFrame(false, WsFrame.TEXT, Arrays.copyOfRange(packet, 0, 5));
            sio.sendFrame(true, WsFrame.CONTINUATION, Arrays.copyOfRange(packet, 5, packet.length));
            String answer = sio.readFrame().text();
            assertTrue(answer.contains("Unknown event '€vent'"), answer);
        }
    }

    @Test
    void textThatIsNotUtf8FailsWith1007() throws IOException {
        for (String path : List.of("/ws", SOCKET_IO)) {
            try (RawWebSocket ws = RawWebSocket.open(service.port(), path)) {
                ws.sendFrame(true, WsFrame.TEXT, new byte[]{'"', (byte) 0xFF, (byte) 0xFE, '"'});
                assertEquals(1007, closeCode(ws), path);
            }
            try (RawWebSocket ws = RawWebSocket.open(service.port(), path)) {
                ws.sendFrame(false, WsFrame.TEXT, utf8("\"valid so far"));
                ws.sendFrame(true, WsFrame.CONTINUATION, new byte[]{(byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'}); // a surrogate
                assertEquals(1007, closeCode(ws), path);
            }
            try (RawWebSocket ws = RawWebSocket.open(service.port(), path)) {
                ws.sendFrame(true, WsFrame.TEXT, Arrays.copyOf(EURO, 2)); // a character cut short at the message's end
                assertEquals(1007, closeCode(ws), path);
            }
        }
    }

    @Test
    void controlFramesAreWholeAndShort() throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(service.port(), "/ws")) {
            ws.sendFrame(false, PING, utf8("fragmented"));
            assertEquals(1002, closeCode(ws));
        }
        try (RawWebSocket ws = RawWebSocket.open(service.port(), "/ws")) {
            ws.sendFrame(true, PING, new byte[126]);
            assertEquals(1002, closeCode(ws));
        }
        try (RawWebSocket ws = RawWebSocket.open(service.port(), "/ws")) {
            byte[] longest = new byte[125];
            ws.sendFrame(true, PING, longest);
            WsFrame pong = ws.readFrame();
            assertEquals(0xA, pong.opcode());
            assertEquals(125, pong.payload().length);
        }
    }

    @Test
    void closeFramesAreChecked() throws IOException {
        Map<byte[], Integer> answers = Map.of(
                new byte[]{0x03}, 1002, // one byte: no room for a code
                new byte[]{0x03, (byte) 0xED}, 1002, // 1005 may not be sent
                new byte[]{0x03, (byte) 0xE7}, 1002, // 999
                new byte[]{0x07, (byte) 0xD0}, 1002, // 2000, reserved
                new byte[]{0x03, (byte) 0xE8, (byte) 0xFF}, 1007, // 1000, a reason that is not UTF-8
                new byte[]{0x0F, (byte) 0xA0}, 4000, // an application's code is echoed
                new byte[0], 1000);
        for (Map.Entry<byte[], Integer> answer : answers.entrySet()) {
            try (RawWebSocket ws = RawWebSocket.open(service.port(), "/ws")) {
                ws.sendFrame(true, WsFrame.CLOSE, answer.getKey());
                assertEquals(answer.getValue(), closeCode(ws), Arrays.toString(answer.getKey()));
            }
        }
    }

    @Test
    void aMessageCannotStartInsideAnother() throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(service.port(), "/ws")) {
            ws.sendFrame(false, WsFrame.TEXT, utf8("{\"event\":"));
            ws.sendFrame(true, WsFrame.TEXT, utf8("{}"));
            assertEquals(1002, closeCode(ws));
        }
        try (RawWebSocket ws = RawWebSocket.open(service.port(), "/ws")) {
            ws.sendFrame(true, WsFrame.CONTINUATION, utf8("{}"));
            assertEquals(1002, closeCode(ws));
        }
    }
}
