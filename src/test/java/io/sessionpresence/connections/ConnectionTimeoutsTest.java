package io.sessionpresence.connections;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

import io.sessionpresence.config.InvalidConfigException;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A connection that sends nothing, or starts a request and never finishes it, is closed by a
 * timeout (short ones here: Helidon's idle timeout 1 s, checked every 0.2 s; headers 0.5 s; a
 * body 0.8 s), while a client that takes its time between requests only loses an idle connection.
 */
class ConnectionTimeoutsTest {
    /** Longest any of them may stay open: the largest timeout, a check period, and slack for a busy machine. */
    private static final int CLOSED_WITHIN_MS = 4000;

    static TestService service;

    @BeforeAll
    static void start() {
        service = TestService.start(StoreKind.MEMORY, Map.of(
                "server.idle-connection-timeout", "PT1S",
                "server.idle-connection-period", "PT0.2S",
                "connections.header-timeout-ms", "500",
                "connections.body-timeout-ms", "800"));
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void unfinishedRequestsAreClosed() throws Exception {
        String chunked = "POST /api/heartbeat HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("idle, nothing sent", "");
        cases.put("half a request line", "GET /api/sess");
        cases.put("headers never finished", "GET /api/session/validate HTTP/1.1\r\nHost: x\r\n");
        cases.put("body shorter than its Content-Length, never finished",
                "POST /api/heartbeat HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{\"user\"");
        cases.put("chunked body never finished", chunked + "5\r\n{\"use\r\n");
        cases.put("chunked body without its last chunk", chunked + "c\r\n{\"user\":\"a\"}\r\n");
        cases.put("Socket.IO long-poll POST never finished",
                "POST /socket.io/?EIO=4&transport=polling&sid=x HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n4");
        Map<String, Socket> open = new LinkedHashMap<>();
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Socket socket = new Socket("127.0.0.1", service.port());
            socket.getOutputStream().write(c.getValue().getBytes(StandardCharsets.ISO_8859_1));
            open.put(c.getKey(), socket);
        }
        long started = System.nanoTime();
        for (Map.Entry<String, Socket> c : open.entrySet()) {
            try (Socket socket = c.getValue()) {
                long left = CLOSED_WITHIN_MS - (System.nanoTime() - started) / 1_000_000;
                socket.setSoTimeout((int) Math.max(1, left));
                assertTrue(drained(socket.getInputStream()), c.getKey() + ": still open after " + CLOSED_WITHIN_MS + " ms");
            }
        }
        assertEquals(200, service.get("/observe/health/live").status(), "the service answers as before");
    }

    /** Reads until the server closes; false if it is still open at the socket's read timeout. */
    private static boolean drained(InputStream in) throws IOException {
        try {
            while (in.read(new byte[4096]) >= 0) {
                // an answer may come first (e.g. a 400 for an unknown sid); the close is what counts
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Test
    void aSlowButCompleteRequestIsAnswered() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", service.port())) {
            socket.setSoTimeout(5000);
            var out = socket.getOutputStream();
            for (String part : new String[] {"GET /api/session/validate HTTP/1.1\r\n", "Host: x\r\n",
                    "Connection: close\r\n", "\r\n"}) {
                out.write(part.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                Thread.sleep(100);
            }
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 401"), answer);
        }
    }

    /**
     * Helidon 4.5 answers {@code Connection: close} with that header and then waits for another
     * request until its idle timeout (1 s here); the service ends the connection after the answer.
     */
    @Test
    void aConnectionCloseRequestEndsTheConnectionAfterItsAnswer() throws Exception {
        String body = "{\"user_id\":\"u1\"}";
        for (String request : new String[] {"GET /api/session/validate HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "POST /api/heartbeat HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length() + "\r\n\r\n" + body}) {
            try (Socket socket = new Socket("127.0.0.1", service.port())) {
                socket.setSoTimeout(5000);
                long started = System.nanoTime();
                socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                long millis = (System.nanoTime() - started) / 1_000_000;
                assertTrue(answer.startsWith("HTTP/1.1 ") && answer.contains("Connection: close"), answer);
                assertTrue(millis < 500, "closed " + millis + " ms after the request, not at the idle timeout");
            }
        }
    }

    @Test
    void http10GetsAJson505NamingTheFix() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", service.port())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write("GET /api/session/validate HTTP/1.0\r\nHost: x\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 505"), answer);
            assertTrue(answer.contains("application/json") && answer.contains("\"code\":505")
                    && answer.contains("proxy_http_version 1.1"), answer);
        }
    }

    @Test
    void connectionsStayBelowTheDescriptorLimit() {
        assertEquals(new ConnectionGuard.Bounds(19744, 2000), ConnectionGuard.bounds(2000, OptionalLong.of(20000), 256));
        assertEquals(new ConnectionGuard.Bounds(768, 576), ConnectionGuard.bounds(2000, OptionalLong.of(1024), 256));
        assertEquals(new ConnectionGuard.Bounds(768, 576), ConnectionGuard.bounds(-1, OptionalLong.of(1024), 256));
        assertEquals(new ConnectionGuard.Bounds(-1, Integer.MAX_VALUE), ConnectionGuard.bounds(-1, OptionalLong.empty(), 256));
        assertThrows(InvalidConfigException.class, () -> ConnectionGuard.bounds(2000, OptionalLong.of(200), 256));
    }
}
