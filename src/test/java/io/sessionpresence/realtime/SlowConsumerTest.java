package io.sessionpresence.realtime;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.sessionpresence.realtime.transport.Overflow;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestService;
import io.sessionpresence.testing.WsTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One admin socket that stops reading (tiny TCP buffers on both ends, so it backs up fast) must
 * not delay events to another admin, nor the HTTP path; its queue stays within
 * {@code realtime.queue-size}: the oldest messages are dropped, or it is disconnected.
 */
@ParameterizedClass
@EnumSource(Overflow.class)
class SlowConsumerTest {
    private static final int QUEUE = 32;
    private static final int EVENTS = 300;
    /** ~1.2 KB events that fit in the 8 KB send buffer and the ~4 KB receive buffer, with margin. */
    private static final int IN_FLIGHT = 24;
    private static final Duration BOUND = Duration.ofSeconds(1);
    private static final String PAGE = "/" + "p".repeat(1000);

    @Parameter
    Overflow overflow;

    static TestService service;

    @BeforeParameterizedClassInvocation
    static void start(Overflow overflow) {
        service = TestService.start(StoreKind.MEMORY, Map.of(
                "realtime.queue-size", Integer.toString(QUEUE),
                "realtime.overflow", overflow.name().toLowerCase(Locale.ROOT).replace('_', '-'),
                "server.connection-options.socket-send-buffer-size", "8192"));
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        service.close();
    }

    @Test
    void aStalledAdminDelaysNobodyAndStaysBounded() throws Exception {
        try (RawWebSocket stalled = RawWebSocket.open(service.port(), "/ws?token=test-admin-token");
             WsTestClient fast = WsTestClient.connect(service.port(), "/ws?token=test-admin-token")) {
            stalled.sendText("{\"event\":\"join-room\",\"data\":{\"room\":\"admin\"}}");
            fast.send("{\"event\":\"join-room\",\"data\":{\"room\":\"admin\"}}");
            fast.nextEvent("admin:snapshot", Duration.ofSeconds(5));
            Thread.sleep(200);

            for (int i = 0; i < EVENTS; i++) {
                long start = System.nanoTime();
                TestService.Response posted = service.post("/api/heartbeat",
                        "{\"user\":\"slow-" + i + "\",\"page\":\"" + PAGE + "\"}", "Content-Type", "application/json");
                assertEquals(200, posted.status());
                String user = "\"user\":\"slow-" + i + "\"";
                fast.next(m -> m.contains(user), BOUND);
                long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
                assertTrue(ms < BOUND.toMillis(), "event " + i + " took " + ms + " ms to reach the fast admin");
            }

            List<String> backlog = stalled.readAll(Duration.ofMillis(1500));
            long updates = backlog.stream().filter(m -> m.contains("admin:presence:update")).count();
            assertTrue(updates <= QUEUE + IN_FLIGHT, "the stalled admin got " + updates + " of " + EVENTS
                    + ": more than its queue (" + QUEUE + ") plus what the TCP buffers hold");
            if (overflow == Overflow.DROP_OLDEST) {
                assertTrue(backlog.getLast().contains("\"user\":\"slow-" + (EVENTS - 1) + "\""),
                        "drop-oldest keeps the newest: " + backlog.getLast().substring(0, 80));
                assertTrue(!stalled.closed, "drop-oldest keeps the connection");
            } else {
                assertTrue(stalled.closed, "disconnect policy closes the stalled connection");
            }
        }
    }

    /**
     * A minimal WebSocket client on a plain socket with a tiny receive buffer, that reads only
     * when asked: the JDK client cannot be made to stop reading at the TCP level.
     */
    private static final class RawWebSocket implements AutoCloseable {
        private final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;
        private boolean closed;

        private RawWebSocket(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new DataInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        static RawWebSocket open(int port, String path) throws IOException {
            Socket socket = new Socket();
            socket.setReceiveBufferSize(2048);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(5000);
            String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                    + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            RawWebSocket ws = new RawWebSocket(socket);
            String status = ws.readLine();
            if (!status.contains(" 101 ")) {
                throw new IOException("upgrade refused: " + status);
            }
            while (!ws.readLine().isEmpty()) {
                // skip the response headers
            }
            return ws;
        }

        private String readLine() throws IOException {
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) != '\n') {
                if (b < 0) {
                    throw new EOFException();
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        void sendText(String text) throws IOException {
            byte[] payload = text.getBytes(StandardCharsets.UTF_8);
            byte[] mask = {1, 2, 3, 4};
            out.write(0x81);
            out.write(0x80 | 126);
            out.write(payload.length >> 8);
            out.write(payload.length & 0xFF);
            out.write(mask);
            for (int i = 0; i < payload.length; i++) {
                out.write(payload[i] ^ mask[i % 4]);
            }
            out.flush();
        }

        /** Every text frame until the server closes or nothing comes for {@code quiet}. */
        List<String> readAll(Duration quiet) throws IOException {
            socket.setSoTimeout((int) quiet.toMillis());
            List<String> frames = new ArrayList<>();
            try {
                while (true) {
                    int opcode = in.readUnsignedByte() & 0x0F;
                    long length = in.readUnsignedByte() & 0x7F;
                    if (length == 126) {
                        length = in.readUnsignedShort();
                    } else if (length == 127) {
                        length = in.readLong();
                    }
                    byte[] payload = new byte[(int) length];
                    in.readFully(payload);
                    if (opcode == 0x8) {
                        closed = true;
                        return frames;
                    }
                    if (opcode == 0x1) {
                        frames.add(new String(payload, StandardCharsets.UTF_8));
                    }
                }
            } catch (SocketTimeoutException e) {
                return frames;
            } catch (EOFException | SocketException e) {
                closed = true;
                return frames;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
