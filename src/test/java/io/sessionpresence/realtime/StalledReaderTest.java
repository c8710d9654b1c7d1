package io.sessionpresence.realtime;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.sessionpresence.testing.RawWebSocket;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestService;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An admin socket that never reads but keeps sending pongs (as a client answering pings blindly
 * would): its heartbeat never times out, yet its writer has been blocked since its buffers
 * filled. The ping that finds a write stalled longer than the pong timeout drops it, so a socket
 * that stops reading holds its connection for at most one ping interval and one timeout.
 */
class StalledReaderTest {
    private static final int INTERVAL_MS = 300;
    private static final int TIMEOUT_MS = 600;
    private static final String PAGE = "/" + "p".repeat(1000);

    @Test
    void aSocketThatNeverReadsIsDroppedEvenWhileItSendsPongs() throws Exception {
        try (TestService service = TestService.start(StoreKind.MEMORY, Map.of(
                "realtime.ping-interval-ms", Integer.toString(INTERVAL_MS),
                "realtime.ping-timeout-ms", Integer.toString(TIMEOUT_MS),
                "server.connection-options.socket-send-buffer-size", "8192"));
             RawWebSocket stalled = RawWebSocket.open(service.port(), "/ws?token=test-admin-token")) {
            stalled.sendText("{\"event\":\"join-room\",\"data\":{\"room\":\"admin\"}}");
            AtomicBoolean pongs = new AtomicBoolean(true);
            Thread blindPongs = Thread.ofVirtual().start(() -> {
                while (pongs.get()) {
                    try {
                        stalled.sendFrame(true, 0xA, new byte[0]);
                        Thread.sleep(INTERVAL_MS / 3);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            for (int i = 0; i < 200; i++) {
                assertEquals(200, service.post("/api/heartbeat",
                        "{\"user\":\"stalled-" + i + "\",\"page\":\"" + PAGE + "\"}").status());
            }
            // Reading unblocks the writer: first give the service time to see the stall. The pongs
            // go on meanwhile, so a connection still open now would stay open.
            Thread.sleep(INTERVAL_MS + TIMEOUT_MS + 1500);
            try {
                stalled.readToEnd(Duration.ofSeconds(2));
            } finally {
                pongs.set(false);
                blindPongs.join();
            }
            assertTrue(stalled.closed());
        }
    }
}
