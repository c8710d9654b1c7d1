package io.sessionpresence.realtime.ws;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sessionpresence.testing.LogCapture;
import io.sessionpresence.testing.RawWebSocket;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestService;
import io.sessionpresence.testing.WsFrame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Any sequence of frames a client may send to {@code /ws} (any first byte: FIN, RSV bits and
 * opcode; masked or not; text that is JSON, an event, or any bytes; fragments left unfinished),
 * over a real connection to the service on the memory store. After them the client pings: the
 * connection must then either answer that ping or close with a well-formed close frame and
 * nothing after it. Every frame the server sends is well formed (RFC 6455, {@link WsFrame#defect}),
 * no connection hangs, and nothing is logged as SEVERE.
 *
 * <p>It found that a reserved opcode (3-7, 11-15) made Helidon's frame reader throw, and its
 * HTTP/1 handler then wrote an HTTP 500 response onto the upgraded socket (4.3.1 and 4.5.0);
 * {@code realtime.transport.CheckedWsConnection} now fails such a connection with 1002, which
 * {@link #reservedOpcodesEndTheConnection} holds for each of them. And that an answer our writer
 * had queued could follow the close frame Helidon writes on a protocol error
 * ({@link #anAnswerNeverFollowsTheCloseOfAProtocolError}; failed at once before
 * {@code realtime.transport.FrameGate}).
 */
class WsFrameFuzzTest {
    private static final int[] OPCODES = {0x0, 0x1, 0x2, 0x8, 0x9, 0xA};
    private static final String[] EVENTS = {"join-room", "user:heartbeat", "user:login", "user:logout",
            "session:terminate", "auth"};
    private static final byte[] PROBE = "probe".getBytes(StandardCharsets.US_ASCII);

    private static TestService service;
    private static LogCapture ours;
    private static LogCapture helidon;

    @BeforeAll
    static void start() {
        service = TestService.start(StoreKind.MEMORY, Map.of("limits.enabled", "false",
                "store.memory.max-presence", "10000"));
        ours = LogCapture.of("io.sessionpresence");
        helidon = LogCapture.of("io.helidon");
    }

    @AfterAll
    static void stop() {
        ours.close();
        helidon.close();
        service.close();
    }

    @FuzzTest
    void everyFrameSequenceEndsInAnAnswerOrAWellFormedClose(FuzzedDataProvider data) throws IOException {
        try (RawWebSocket ws = RawWebSocket.open(service.port(), "/ws")) {
            boolean sent = true;
            int frames = data.consumeInt(1, 6);
            for (int i = 0; i < frames && sent; i++) {
                int first = data.consumeBoolean() ? data.consumeInt(0, 255)
                        : (data.consumeBoolean() ? 0x80 : 0) | data.pickValue(OPCODES);
                boolean masked = data.consumeInt(0, 9) > 0;
                sent = send(ws, first, masked, payload(data));
            }
            if (sent) {
                sent = send(ws, 0x89, true, PROBE);
            }
            awaitProbeOrClose(ws, sent);
        }
        assertTrue(ours.atLeast(Level.SEVERE).isEmpty(), () -> "logged: " + ours.atLeast(Level.SEVERE).getFirst().getMessage());
        assertTrue(helidon.atLeast(Level.SEVERE).isEmpty(), () -> "logged: " + helidon.atLeast(Level.SEVERE).getFirst().getMessage());
        ours.records().clear();
        helidon.records().clear();
    }

    /** A reserved opcode fails the connection with 1002 and nothing after it; the service goes on. */
    @Test
    void reservedOpcodesEndTheConnection() throws IOException {
        for (int opcode : new int[]{0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
            try (RawWebSocket ws = RawWebSocket.open(service.port(), "/ws")) {
                send(ws, 0x80 | opcode, true, PROBE);
                WsFrame close = ws.readFrame();
                assertEquals(WsFrame.CLOSE, close.opcode(), "opcode " + opcode);
                assertEquals(Optional.of(1002), close.closeCode(), "opcode " + opcode);
                byte[] after = ws.readToEnd(Duration.ofSeconds(2));
                assertEquals("", new String(after, StandardCharsets.ISO_8859_1), "opcode " + opcode);
            }
        }
        assertEquals(401, service.get("/api/session/validate").status());
        assertTrue(ours.atLeast(Level.SEVERE).isEmpty());
    }

    /**
     * The fuzzer's find: a malformed message (answered by an {@code error} event, which our writer
     * thread sends) followed at once by an unmasked frame, on which Helidon's reader writes a
     * protocol-error close frame by itself. The answer must go out before the close or not at all.
     */
    @Test
    void anAnswerNeverFollowsTheCloseOfAProtocolError() throws IOException {
        byte[] malformed = "{\"event\":\"join-room\",\"data\":}".getBytes(StandardCharsets.UTF_8);
        byte[] answeredThenRefused = concat(RawWebSocket.frame(0x81, true, malformed), RawWebSocket.frame(0x81, false, malformed));
        for (int i = 0; i < 300; i++) {
            try (RawWebSocket ws = RawWebSocket.open(service.port(), "/ws")) {
                ws.sendBytes(answeredThenRefused);
                awaitProbeOrClose(ws, false);
            }
        }
        assertTrue(ours.atLeast(Level.SEVERE).isEmpty());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static byte[] payload(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 2)) {
            case 0 -> ("{\"event\":\"" + data.pickValue(EVENTS) + "\",\"data\":" + data.consumeString(120) + "}")
                    .getBytes(StandardCharsets.UTF_8);
            case 1 -> data.consumeString(200).getBytes(StandardCharsets.UTF_8);
            default -> data.consumeBytes(200);
        };
    }

    /** False once the server has closed the connection (a write then fails). */
    private static boolean send(RawWebSocket ws, int firstByte, boolean masked, byte[] payload) {
        try {
            ws.sendFrame(firstByte, masked, payload);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Answers the server's close as a client must (RFC 6455 5.5.1): a server that closes first
     * waits for that answer, up to {@code WsChannel.CLOSE_GRACE} (2 s, as long as the read after
     * it), before it drops the connection. A server that already dropped it refuses the answer.
     */
    private static void answerClose(RawWebSocket ws) {
        try {
            ws.sendClose(1000);
        } catch (IOException alreadyDropped) {
            // the end of the connection is what the caller reads next
        }
    }

    /** Reads until the probe's pong, or a close frame followed by the end of the connection. */
    private static void awaitProbeOrClose(RawWebSocket ws, boolean probeSent) throws IOException {
        while (true) {
            WsFrame frame;
            try {
                frame = ws.readFrame();
            } catch (SocketTimeoutException e) {
                fail("no answer to the probe and no close within the read timeout (probe sent: " + probeSent + ")");
                return;
            } catch (IOException e) {
                // the connection ended; a reset after a close frame, or after a protocol error, is an end too
                return;
            }
            assertEquals(Optional.empty(), frame.defect(), "a frame from the server");
            if (frame.opcode() == WsFrame.CLOSE) {
                answerClose(ws);
                byte[] rest = ws.readToEnd(Duration.ofSeconds(2));
                assertEquals(0, rest.length, () -> "nothing after the close frame: " + new String(rest, StandardCharsets.ISO_8859_1));
                return;
            }
            if (frame.opcode() == 0xA && Arrays.equals(frame.payload(), PROBE)) {
                return;
            }
        }
    }
}
