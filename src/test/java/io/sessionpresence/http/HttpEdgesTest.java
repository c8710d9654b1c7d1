package io.sessionpresence.http;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.logging.Level;

import io.helidon.webserver.accesslog.AccessLogFeature;
import io.sessionpresence.logging.TextLogFormatter;
import io.sessionpresence.testing.HttpTestClient.Response;
import io.sessionpresence.testing.LogCapture;
import io.sessionpresence.testing.LogLines;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Errors raised before or outside our routes still come back as JSON 4xx; CORS for configured origins. */
class HttpEdgesTest {
    static TestService service;

    @BeforeAll
    static void start() {
        service = TestService.start(StoreKind.MEMORY, Map.of(
                "server.max-payload-size", "1024",
                "cors.allowed-origins", "https://app.example.com,chrome-extension://abcdefghijklmnop"));
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    /** Sends raw bytes and returns the raw response (status line, headers, body). */
    private static String raw(String request) throws Exception {
        return raw(request, false);
    }

    /** @param halfClose end the request stream after it, as a client that sent all it had */
    private static String raw(String request, boolean halfClose) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", service.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            if (halfClose) {
                socket.shutdownOutput();
            }
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void malformedBodyFramingIs400JsonAndNoStackTrace() throws Exception {
        try (LogCapture log = LogCapture.of(ErrorHandlers.class.getName())) {
            String chunked = "POST /api/heartbeat HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
            Map<String, String> cases = Map.of(
                    "chunk size not hex", chunked + "zz\r\n{\"user\":\"a\"}\r\n0\r\n\r\n",
                    "chunk size 2^32", chunked + "100000000\r\n{\"user\":\"a\"}\r\n0\r\n\r\n",
                    "chunk size 2^64", chunked + "ffffffffffffffff\r\n{\"user\":\"a\"}\r\n0\r\n\r\n",
                    "chunk cut short", chunked + "20\r\n{\"user\":\"a\"}",
                    "body shorter than Content-Length",
                    "POST /api/heartbeat HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{\"user\":\"a\"}");
            for (Map.Entry<String, String> c : cases.entrySet()) {
                String answer = raw(c.getValue(), true);
                assertTrue(answer.startsWith("HTTP/1.1 400"), c.getKey() + ": " + answer);
                assertTrue(answer.contains("application/json") && answer.contains("Malformed request body"),
                        c.getKey() + ": " + answer);
            }
            assertTrue(log.atLeast(Level.WARNING).isEmpty(),
                    "malformed framing is the client's error, not logged as ours: " + log.records());
        }
    }

    /**
     * A client that keeps its connection open after a broken chunk size gets its 400 at once, and
     * the connection closes: closing the body's stream used to read on for the rest of a body that
     * never ends, so the answer waited for connections.body-timeout-ms (20 s) and never came.
     */
    @Test
    void brokenChunkFramingIsAnsweredAtOnceAndClosesTheConnection() throws Exception {
        String chunked = "POST /api/heartbeat HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
        for (String size : new String[]{"zz", "100000000", "ffffffffffffffff"}) {
            long started = System.nanoTime();
            String answer = raw(chunked + size + "\r\n{\"user\":\"a\"}\r\n0\r\n\r\n", false);
            assertTrue(answer.startsWith("HTTP/1.1 400") && answer.contains("Connection: close"), size + ": " + answer);
            assertTrue(System.nanoTime() - started < 3_000_000_000L, size + ": answered at once");
        }
    }

    /**
     * A client whose body never completes is closed at connections.body-timeout-ms; the access log
     * writes "-" for its address, where Helidon's own entry threw on the closed socket and logged a
     * 30-line stack trace per such request.
     */
    @Test
    void aBodyTimeoutLogsNoStackTrace() throws Exception {
        try (LogLines access = LogLines.of(new TextLogFormatter()).open(AccessLogFeature.DEFAULT_LOGGER_NAME, Level.INFO);
             TestService timed = TestService.start(StoreKind.MEMORY, Map.of("connections.body-timeout-ms", "500",
                     "logging.access-log", "true"));
             LogCapture helidon = LogCapture.of("io.helidon");
             Socket socket = new Socket("127.0.0.1", timed.port())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("POST /api/heartbeat HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{")
                    .getBytes(StandardCharsets.ISO_8859_1));
            socket.getInputStream().readAllBytes();
            Thread.sleep(200);
            assertTrue(helidon.atLeast(Level.WARNING).isEmpty(), () -> "logged: " + helidon.atLeast(Level.WARNING));
            assertTrue(access.lines().stream().anyMatch(line -> line.contains(": - \"POST /api/heartbeat")),
                    () -> "the access log line: " + access.lines());
        }
    }

    /** Two X-Session-Token headers: a proxy in front might read the other one. */
    @Test
    void twoSessionTokenHeadersAre400() {
        String token = service.token("twice");
        Response twice = service.get("/api/session/validate", "X-Session-Token", token, "X-Session-Token", token);
        assertEquals(400, twice.status(), twice.body());
        assertEquals(200, service.get("/api/session/validate", "X-Session-Token", token).status());
    }

    @Test
    void oversizedBodyIs413Json() throws Exception {
        String big = "{\"user\":\"" + "x".repeat(5000) + "\"}";
        Response res = service.post("/api/heartbeat", big);
        assertEquals(413, res.status());
        assertEquals("error", res.text("status"));

        String chunked = raw("POST /api/heartbeat HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n" + Integer.toHexString(big.length()) + "\r\n" + big + "\r\n0\r\n\r\n");
        assertTrue(chunked.startsWith("HTTP/1.1 413"), chunked);
        assertTrue(chunked.contains("application/json"), chunked);
    }

    @Test
    void unknownRoutesAndWrongMethodsAreJson404() {
        for (Response res : new Response[] {
                service.get("/nope"), service.get("/api/nope"), service.get("/api/session/nope"),
                service.post("/api/session/validate", "{}"), service.get("/api/session/create")}) {
            assertEquals(404, res.status(), res.body());
            assertEquals("error", res.text("status"));
            assertFalse(res.body().contains("Exception"));
        }
    }

    @Test
    void malformedRequestsAreJson400() throws Exception {
        String badHeader = raw("GET /api/session/validate HTTP/1.1\r\nHost: x\r\nBad Header: y\r\nConnection: close\r\n\r\n");
        assertTrue(badHeader.startsWith("HTTP/1.1 400"), badHeader);
        assertTrue(badHeader.contains("{\""), badHeader);
        String badQuery = raw("GET /admin/presence?limit=%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(badQuery.startsWith("HTTP/1.1 4"), badQuery);
        assertTrue(badQuery.contains("{\""), badQuery);
    }

    @Test
    void corsAllowsConfiguredOriginsOnly() {
        for (String origin : new String[] {"https://app.example.com", "chrome-extension://abcdefghijklmnop"}) {
            Response preflight = service.send(java.net.http.HttpRequest.newBuilder(service.uri("/api/session/validate"))
                            .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody()),
                    "Origin", origin, "Access-Control-Request-Method", "GET",
                    "Access-Control-Request-Headers", "x-session-token");
            assertEquals(200, preflight.status(), origin);
            assertEquals(origin, preflight.headers().get("access-control-allow-origin").getFirst());
            Response actual = service.get("/api/session/validate", "Origin", origin);
            assertEquals(origin, actual.headers().get("access-control-allow-origin").getFirst());
        }
        Response evil = service.send(java.net.http.HttpRequest.newBuilder(service.uri("/api/session/validate"))
                        .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody()),
                "Origin", "https://evil.example", "Access-Control-Request-Method", "GET");
        assertFalse(evil.headers().containsKey("access-control-allow-origin"));
    }
}
