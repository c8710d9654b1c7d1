package io.sessionpresence.realtime;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.sessionpresence.testing.RawWebSocket;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestService;
import io.sessionpresence.testing.WsFrame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A client-initiated close is answered with exactly one well-formed close frame (echoing the
 * client's code) and nothing after it, on {@code /ws} and on Engine.IO's WebSocket transport.
 * Every byte the server sends after the upgrade is parsed until EOF. The server's writer is kept
 * busy around the close (the Engine.IO open packet, replies the client provokes just before
 * closing), since the close frame used to race with it: a second close, none, or garbage.
 */
class ClientCloseTest {
    private static final int CLOSES = 2_000;
    private static final int CONCURRENT_CLIENTS = 32;
    private static final int CLOSE_CODE = 4_321;
    private static final Duration END_WITHIN = Duration.ofSeconds(5);

    static TestService service;

    @BeforeAll
    static void start() {
        service = TestService.start(StoreKind.MEMORY, Map.of());
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "/ws | {\"event\":\"no-such-event\"}",
            "/socket.io/?EIO=4&transport=websocket | 40"})
    void everyClientCloseGetsExactlyOneCloseFrame(String path, String provoking) throws Exception {
        Map<String, Integer> outcomes = new ConcurrentHashMap<>();
        try (ExecutorService clients = Executors.newFixedThreadPool(CONCURRENT_CLIENTS)) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < CLOSES; i++) {
                int variant = i % 3;
                done.add(clients.submit(() -> outcomes.merge(closeOnce(path, provoking, variant), 1, Integer::sum)));
            }
            for (Future<?> future : done) {
                future.get();
            }
        }
        assertEquals(Map.of("one close frame", CLOSES), new TreeMap<>(outcomes));
    }

    /**
     * One connection closed by the client: at once (0), right after sending a message the server
     * answers (1), or after reading the first frame and then sending that message (2).
     */
    private static String closeOnce(String path, String provoking, int variant) {
        try (RawWebSocket ws = RawWebSocket.open(service.port(), path)) {
            if (variant == 2 && path.startsWith("/socket.io/")) {
                ws.readFrame();
            }
            if (variant > 0) {
                ws.sendText(provoking);
            }
            if (variant == 2 && path.equals("/ws")) {
                ws.readFrame();
            }
            ws.sendClose(CLOSE_CODE);
            return judge(ws.readToEnd(END_WITHIN));
        } catch (IOException e) {
            return "client error: " + e.getMessage();
        }
    }

    /** What the server sent after the upgrade: data frames, then exactly one close frame, then nothing. */
    static String judge(byte[] received) {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(received));
        List<WsFrame> closes = new ArrayList<>();
        try {
            while (in.available() > 0) {
                WsFrame frame = WsFrame.read(in);
                if (frame.defect().isPresent()) {
                    return "malformed frame: " + frame.defect().get();
                }
                if (!closes.isEmpty()) {
                    return closes.size() + " close frame(s), then opcode " + frame.opcode()
                            + (frame.opcode() == WsFrame.CLOSE ? " " + frame.closeCode().orElse(-1) + " " + reason(frame) : "");
                }
                if (frame.opcode() == WsFrame.CLOSE) {
                    closes.add(frame);
                }
            }
        } catch (EOFException e) {
            return "truncated frame";
        } catch (IOException e) {
            return "unreadable frame: " + e.getMessage();
        }
        if (closes.isEmpty()) {
            return "no close frame";
        }
        int code = closes.getFirst().closeCode().orElse(-1);
        return code == CLOSE_CODE ? "one close frame" : "one close frame with code " + code;
    }

    private static String reason(WsFrame close) {
        String text = close.text();
        return text.length() <= 2 ? "" : text.substring(2, Math.min(text.length(), 40));
    }
}
