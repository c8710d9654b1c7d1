package io.sessionpresence.limits;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionpresence.json.Json;
import io.sessionpresence.testing.HttpTestClient.Response;
import io.sessionpresence.testing.RealtimeTestSocket;
import io.sessionpresence.testing.RealtimeTestSocket.Protocol;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestService;
import io.sessionpresence.testing.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The socket limits on both protocols: messages per connection (over it an {@code error} event
 * with {@code retry_after}, and a client that keeps sending is closed), connections per address
 * (the socket's refusal: {@code /ws} an error event and close 1008, Socket.IO a CONNECT_ERROR,
 * an Engine.IO handshake 429 or close 1013),
 * and wrong admin tokens in socket auth counting as on HTTP.
 */
class SocketLimitsTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    static TestService service;
    /** The same service, but two connections per address per minute. */
    static TestService fewConnections;

    @BeforeAll
    static void start() {
        Map<String, String> config = new HashMap<>();
        config.put("presence.trusted-proxies", "127.0.0.1");
        config.put("limits.exempt", "");
        HttpLimitsTest.rate(config, "socket-messages", 5, 60);
        config.put("limits.socket-messages.refusals-to-disconnect", "3");
        HttpLimitsTest.rate(config, "admin-failures-per-ip", 2, 60);
        service = TestService.start(StoreKind.MEMORY, config);
        HttpLimitsTest.rate(config, "socket-connections-per-ip", 2, 60);
        fewConnections = TestService.start(StoreKind.MEMORY, config);
    }

    @AfterAll
    static void stop() {
        service.close();
        fewConnections.close();
    }

    private static final String[] PATHS = {"/ws", "/socket.io/?EIO=4&transport=websocket"};

    private static String path(Protocol protocol) {
        return PATHS[protocol.ordinal()];
    }

    private static String address(Protocol protocol, int test) {
        return "198.51.100." + (protocol.ordinal() * 10 + test);
    }

    /** An anonymous connection speaking for {@code ip}; Socket.IO joined to its namespace. */
    private static WsTestClient open(TestService to, Protocol protocol, String ip) {
        WsTestClient ws = WsTestClient.connect(to.port(), path(protocol), "X-Forwarded-For", ip);
        if (protocol == Protocol.SOCKET_IO) {
            assertTrue(ws.next(WAIT).startsWith("0"));
            ws.send("40{}");
        }
        return ws;
    }

    private static void emit(Protocol protocol, WsTestClient ws, int ack) {
        ws.send(protocol == Protocol.WS
                ? "{\"event\":\"user:heartbeat\",\"data\":{\"user\":\"chatty\",\"page\":\"/\"}}"
                : "42" + ack + "[\"user:heartbeat\",{\"user\":\"chatty\",\"page\":\"/\"}]");
    }

    private static JsonNode errorData(Protocol protocol, String message) {
        return protocol == Protocol.WS
                ? Json.read(message, JsonNode.class).path("data")
                : Json.read(message.substring(2), JsonNode.class).path(1);
    }

    private static boolean isError(Protocol protocol, String message) {
        return protocol == Protocol.WS ? message.contains("\"event\":\"error\"") : message.startsWith("42[\"error\"");
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void messagesOverTheLimitAreRefusedAndAClientThatKeepsGoingIsClosed(Protocol protocol) throws Exception {
        try (WsTestClient ws = open(service, protocol, address(protocol, 1))) {
            for (int i = 1; i <= 5; i++) {
                emit(protocol, ws, i);
            }
            emit(protocol, ws, 6);
            JsonNode refused = errorData(protocol, ws.next(m -> isError(protocol, m), WAIT));
            assertTrue(refused.path("message").asText().startsWith("Too many messages"), refused.toString());
            long retryAfter = refused.path("retry_after").asLong();
            assertTrue(retryAfter >= 1 && retryAfter <= 12, "retry_after " + retryAfter);
            if (protocol == Protocol.SOCKET_IO) {
                String ack = ws.next(m -> m.startsWith("436["), WAIT);
                assertTrue(ack.contains("\"ok\":false") && ack.contains("Too many messages"), ack);
            }
            emit(protocol, ws, 7);
            emit(protocol, ws, 8);
            if (protocol == Protocol.WS) {
                assertEquals(1008, ws.closed().get(5, TimeUnit.SECONDS));
            } else {
                ws.next(m -> m.equals("41"), WAIT);
                ws.closed().get(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void webSocketConnectionsPerAddressAreLimited() throws Exception {
        String ip = address(Protocol.WS, 2);
        try (WsTestClient first = open(fewConnections, Protocol.WS, ip);
             WsTestClient second = open(fewConnections, Protocol.WS, ip);
             WsTestClient third = open(fewConnections, Protocol.WS, ip)) {
            // The server may open them in any order: whichever it counts third is refused.
            List<WsTestClient> all = List.of(first, second, third);
            CompletableFuture.anyOf(all.stream().map(WsTestClient::closed).toArray(CompletableFuture[]::new))
                    .get(5, TimeUnit.SECONDS);
            List<WsTestClient> refused = all.stream().filter(ws -> ws.closed().isDone()).toList();
            assertEquals(1, refused.size(), "one of three refused");
            assertEquals(1008, refused.getFirst().closed().get());
            JsonNode error = errorData(Protocol.WS, refused.getFirst().next(m -> isError(Protocol.WS, m), WAIT));
            assertRefusedForConnections(error.path("message").asText(), error.path("retry_after").asLong());
        }
        // The test's own address (127.0.0.1, sent no X-Forwarded-For) still connects.
        try (RealtimeTestSocket elsewhere = RealtimeTestSocket.connect(Protocol.WS, fewConnections.port(),
                "{\"token\":\"test-admin-token\"}")) {
            elsewhere.joinAdmin();
        }
    }

    /**
     * An Engine.IO handshake costs a session before any Socket.IO packet, so it counts as a
     * connection (polling: 429 with Retry-After; WebSocket: closed 1013), and so does the
     * namespace join inside it (CONNECT_ERROR).
     */
    @Test
    void socketIoHandshakesAndJoinsAreCountedPerAddress() throws Exception {
        String ip = address(Protocol.SOCKET_IO, 2);
        try (WsTestClient ws = WsTestClient.connect(fewConnections.port(), PATHS[1], "X-Forwarded-For", ip)) {
            assertTrue(ws.next(WAIT).startsWith("0"), "handshake 1 of 2");
            Response polling = fewConnections.get("/socket.io/?EIO=4&transport=polling", "X-Forwarded-For", ip);
            assertEquals(200, polling.status(), "handshake 2 of 2");
            ws.send("40{}");
            JsonNode joinRefused = Json.read(ws.next(m -> m.startsWith("44"), WAIT).substring(2), JsonNode.class);
            assertRefusedForConnections(joinRefused.path("message").asText(), joinRefused.path("retry_after").asLong());

            Response refused = fewConnections.get("/socket.io/?EIO=4&transport=polling", "X-Forwarded-For", ip);
            assertEquals(429, refused.status(), refused.body());
            assertRefusedForConnections(refused.text("error"),
                    Long.parseLong(refused.headers().get("retry-after").getFirst()));
            try (WsTestClient third = WsTestClient.connect(fewConnections.port(), PATHS[1], "X-Forwarded-For", ip)) {
                assertEquals(1013, third.closed().get(5, TimeUnit.SECONDS));
            }
        }
        assertEquals(200, fewConnections.get("/socket.io/?EIO=4&transport=polling",
                "X-Forwarded-For", address(Protocol.SOCKET_IO, 4)).status(), "another address is not limited");
    }

    private static void assertRefusedForConnections(String message, long retryAfter) {
        assertTrue(message.startsWith("Too many socket connections"), message);
        assertTrue(retryAfter >= 1, "retry_after " + retryAfter);
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void wrongAdminTokensInSocketAuthLockTheAddressOut(Protocol protocol) {
        String ip = address(protocol, 3);
        String[] tokens = {"guess-1", "guess-2", "guess-3", "test-admin-token"};
        String[] expected = {"Invalid admin token", "Invalid admin token", "Too many wrong admin tokens",
                "Too many wrong admin tokens"};
        for (int i = 0; i < tokens.length; i++) {
            try (WsTestClient ws = WsTestClient.connect(service.port(), path(protocol), "X-Forwarded-For", ip)) {
                String auth = "{\"token\":\"" + tokens[i] + "\"}";
                String answer;
                if (protocol == Protocol.WS) {
                    ws.send("{\"event\":\"auth\",\"data\":" + auth + "}");
                    answer = errorData(protocol, ws.next(m -> isError(protocol, m), WAIT)).path("message").asText();
                } else {
                    assertTrue(ws.next(WAIT).startsWith("0"));
                    ws.send("40" + auth);
                    answer = Json.read(ws.next(m -> m.startsWith("44"), WAIT).substring(2), JsonNode.class)
                            .path("message").asText();
                }
                assertTrue(answer.startsWith(expected[i]), tokens[i] + ": " + answer);
            }
        }
    }
}
