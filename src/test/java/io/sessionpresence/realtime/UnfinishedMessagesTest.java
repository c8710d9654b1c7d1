package io.sessionpresence.realtime;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import io.sessionpresence.testing.ServiceProcess;
import io.sessionpresence.testing.RawWebSocket;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestService;
import io.sessionpresence.testing.WsFrame;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A WebSocket message sent in several frames and never finished holds memory until its last
 * frame: the process bounds what all of them hold together ({@code realtime.max-buffered-bytes})
 * and how long one may take ({@code realtime.message-timeout-ms}), on {@code /ws} and Socket.IO.
 */
class UnfinishedMessagesTest {
    private static final String SOCKET_IO = "/socket.io/?EIO=4&transport=websocket";

    private static byte[] chars(int n) {
        return "a".repeat(n).getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void anUnfinishedMessageIsClosedAtItsDeadline() throws Exception {
        try (TestService service = TestService.start(StoreKind.MEMORY, Map.of("realtime.message-timeout-ms", "500"));
             RawWebSocket ws = RawWebSocket.open(service.port(), "/ws");
             RawWebSocket sio = RawWebSocket.open(service.port(), SOCKET_IO)) {
            ws.sendFrame(false, WsFrame.TEXT, chars(1000));
            sio.sendFrame(false, WsFrame.TEXT, chars(1000));
            String wsAnswer = new String(ws.readToEnd(Duration.ofSeconds(5)), StandardCharsets.UTF_8);
            assertTrue(wsAnswer.contains("not completed within 500 ms"), wsAnswer);
            sio.readToEnd(Duration.ofSeconds(5));
        }
    }

    @Test
    void whatAllUnfinishedMessagesHoldIsBounded() throws Exception {
        try (TestService service = TestService.start(StoreKind.MEMORY, Map.of(
                "realtime.message-timeout-ms", "1500", "realtime.max-buffered-bytes", "200000"));
             RawWebSocket first = RawWebSocket.open(service.port(), "/ws");
             RawWebSocket second = RawWebSocket.open(service.port(), "/ws")) {
            first.sendFrame(false, WsFrame.TEXT, chars(60_000)); // 120,000 bytes held
            first.sendFrame(false, WsFrame.CONTINUATION, chars(20_000)); // 160,000
            second.sendFrame(false, WsFrame.TEXT, chars(60_000)); // 120,000 more: one of the two cannot fit
            // The server reads the two connections in no fixed order: whichever it reads second is
            // refused by the bound, and the other one's message goes at its deadline.
            String firstAnswer = new String(first.readToEnd(Duration.ofSeconds(5)), StandardCharsets.UTF_8);
            String secondAnswer = new String(second.readToEnd(Duration.ofSeconds(5)), StandardCharsets.UTF_8);
            boolean firstRefused = firstAnswer.contains("Too many unfinished messages");
            boolean secondRefused = secondAnswer.contains("Too many unfinished messages");
            assertTrue(firstRefused != secondRefused, "exactly one refused: " + firstAnswer + " / " + secondAnswer);
            String kept = firstRefused ? secondAnswer : firstAnswer;
            assertTrue(kept.contains("not completed"), "the other goes at its deadline: " + kept);
            try (RawWebSocket third = RawWebSocket.open(service.port(), "/ws")) {
                third.sendFrame(false, WsFrame.TEXT, chars(60_000));
                third.sendFrame(true, WsFrame.CONTINUATION, "\"".getBytes(StandardCharsets.US_ASCII));
                List<String> answers = third.readAll(Duration.ofMillis(500));
                assertFalse(third.closed(), "room again once the first one is freed: " + answers);
                assertTrue(answers.toString().contains("Malformed frame"), "the message was assembled: " + answers);
            }
        }
    }

    @Test
    void aFrameOver64KiBIsRefused() throws Exception {
        try (TestService service = TestService.start(StoreKind.MEMORY);
             RawWebSocket ws = RawWebSocket.open(service.port(), "/ws")) {
            try {
                ws.sendFrame(true, WsFrame.TEXT, chars(70_000));
            } catch (IOException e) {
                // closed before the whole frame went out
            }
            byte[] close = ws.readToEnd(Duration.ofSeconds(5));
            assertTrue(close.length >= 4 && (close[0] & 0x0F) == WsFrame.CLOSE, "a close frame: " + close.length);
            assertEquals(1009, (close[2] & 0xFF) << 8 | close[3] & 0xFF, "Message Too Big");
        }
    }

    /**
     * 500 connections each leaving a 900 KB message one frame short, against the service in its
     * own process on a 256 MiB heap: it stays up and answers, every one of them is closed, by the
     * bound at once or by the deadline.
     */
    @Test
    void fiveHundredUnfinishedMessagesOnA256MiBHeap() throws Exception {
        try (ServiceProcess service = ServiceProcess.java(4096, List.of("-Xmx256m"),
                Map.of("REALTIME_MESSAGE_TIMEOUT_MS", "3000"))) {
            int connections = 500;
            byte[] frame = chars(60_000);
            AtomicInteger closed = new AtomicInteger();
            Map<String, Integer> reasons = new ConcurrentHashMap<>();
            long started = System.nanoTime();
            try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < connections; i++) {
                    threads.submit(() -> {
                        try (RawWebSocket ws = RawWebSocket.open(service.port(), "/ws")) {
                            try {
                                ws.sendFrame(false, WsFrame.TEXT, frame);
                                for (int f = 1; f < 15; f++) {
                                    ws.sendFrame(false, WsFrame.CONTINUATION, frame);
                                }
                            } catch (IOException e) {
                                // closed by the server while sending: counted below
                            }
                            String answer = new String(ws.readToEnd(Duration.ofSeconds(20)), StandardCharsets.UTF_8);
                            reasons.merge(answer.contains("not completed") ? "deadline"
                                    : answer.contains("unfinished messages") ? "bound" : "other", 1, Integer::sum);
                            closed.incrementAndGet();
                        }
                        return null;
                    });
                }
            }
            System.out.printf("%d unfinished 900 KB messages: %s closed in %d ms%n", connections, reasons,
                    (System.nanoTime() - started) / 1_000_000);
            assertEquals(connections, closed.get(), "every connection closed; " + reasons);
            assertTrue(service.alive(), "still running");
            try (HttpClient client = HttpClient.newHttpClient()) {
                HttpResponse<Void> live = client.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + service.port() + "/api/session/validate"))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding());
                assertEquals(401, live.statusCode());
            }
            assertTrue(service.log().stream().noneMatch(line -> line.contains("OutOfMemoryError")));
        }
    }
}
