package io.sessionpresence.realtime;

import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionpresence.testing.RealtimeTestSocket;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestService;
import io.sessionpresence.testing.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who may open a socket and how credentials arrive: upgrades (and Socket.IO long-polling) from
 * origins outside {@code cors.allowed-origins} other than the service's own get 403; {@code /ws}
 * takes credentials in its first frame or the {@code X-Session-Token} header, and refuses them in
 * the URL when {@code realtime.query-credentials} is off.
 */
class SocketAccessTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String ALLOWED = "https://app.example.com";
    private static final String EVIL = "https://evil.example.com";
    private static final List<String> WEBSOCKET_PATHS = List.of("/ws", "/socket.io/?EIO=4&transport=websocket");
    private static final String POLLING = "/socket.io/?EIO=4&transport=polling";

    static TestService strict;
    static TestService open;

    @BeforeAll
    static void start() {
        strict = TestService.start(StoreKind.MEMORY, Map.of("cors.allowed-origins", ALLOWED,
                "realtime.query-credentials", "false"));
        open = TestService.start(StoreKind.MEMORY);
    }

    @AfterAll
    static void stop() {
        strict.close();
        open.close();
    }

    private static int upgradeStatus(TestService service, String path, String origin) {
        try (WsTestClient client = WsTestClient.connect(service.port(), path, "Origin", origin)) {
            return 101;
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }

    private static String self(TestService service) {
        return "http://127.0.0.1:" + service.port();
    }

    @Test
    void upgradesFromListedOrTheSameOriginOpenAndOthersGet403() {
        for (String path : WEBSOCKET_PATHS) {
            assertEquals(101, upgradeStatus(strict, path, ALLOWED), path + " from a listed origin");
            assertEquals(101, upgradeStatus(strict, path, self(strict)), path + " from the service's own origin");
            assertEquals(403, upgradeStatus(strict, path, EVIL), path + " from another origin");
            assertEquals(403, upgradeStatus(strict, path, "null"), path + " from an opaque origin");
            assertEquals(403, upgradeStatus(strict, path, "http://127.0.0.1:1"), path + " same host, another port");
            try (WsTestClient noOrigin = WsTestClient.connect(strict.port(), path)) {
                assertFalse(noOrigin.closed().isDone(), path + " without Origin (not a browser)");
            }
            assertEquals(101, upgradeStatus(open, path, EVIL), path + ": no origins configured, no check");
        }
    }

    @Test
    void socketIoLongPollingChecksTheOriginToo() {
        assertEquals(200, strict.get(POLLING, "Origin", ALLOWED).status());
        assertEquals(200, strict.get(POLLING, "Origin", self(strict)).status());
        TestService.Response refused = strict.get(POLLING, "Origin", EVIL);
        assertEquals(403, refused.status());
        assertEquals(403, refused.json().path("code").asInt(), refused.body());
        assertEquals(200, open.get(POLLING, "Origin", EVIL).status());
    }

    @Test
    void credentialsInTheFirstFrame() {
        try (WsTestClient admin = WsTestClient.connect(strict.port(), "/ws")) {
            admin.send("{\"event\":\"auth\",\"data\":{\"token\":\"test-admin-token\"}}");
            assertTrue(admin.nextEvent("authenticated", WAIT).path("data").path("admin").asBoolean());
            admin.send("{\"event\":\"join-room\",\"data\":{\"room\":\"admin\"}}");
            admin.nextEvent("admin:snapshot", WAIT);

            String token = strict.token("first-frame-user");
            try (WsTestClient user = WsTestClient.connect(strict.port(), "/ws")) {
                user.send("{\"event\":\"auth\",\"data\":{\"session_token\":\"" + token + "\"}}");
                assertEquals("first-frame-user", user.nextEvent("authenticated", WAIT).path("data").path("user").asText());
                user.send("{\"event\":\"user:heartbeat\",\"data\":{\"page\":\"/p\"}}");
                JsonNode seen = admin.nextJson(m -> m.contains("admin:presence:update")
                        && m.contains("\"user\":\"first-frame-user\""), WAIT).path("data");
                assertTrue(seen.path("verified").asBoolean(), seen.toString());

                user.send("{\"event\":\"auth\",\"data\":{\"token\":\"test-admin-token\"}}");
                assertTrue(user.nextEvent("error", WAIT).path("data").path("message").asText().contains("first frame"));
                assertFalse(user.closed().isDone(), "a late auth is an error, not a close");
            }
        }
    }

    @Test
    void badFirstFrameCredentialsAreRefusedWithAPolicyClose() throws Exception {
        for (String auth : List.of("{\"token\":\"wrong\"}", "{\"session_token\":\"sps_nope\"}", "{\"token\":42}",
                "{}", "\"test-admin-token\"")) {
            try (WsTestClient client = WsTestClient.connect(strict.port(), "/ws")) {
                client.send("{\"event\":\"auth\",\"data\":" + auth + "}");
                client.nextEvent("error", WAIT);
                assertEquals(1008, client.closed().get(5, TimeUnit.SECONDS), auth);
            }
        }
    }

    @Test
    void credentialsInTheUrlAreRefusedWhenQueryCredentialsAreOff() throws Exception {
        String token = strict.token("url-user");
        for (String path : List.of("/ws?token=test-admin-token", "/ws?session=" + token)) {
            try (WsTestClient client = WsTestClient.connect(strict.port(), path)) {
                assertTrue(client.nextEvent("error", WAIT).path("data").path("message").asText()
                        .contains("realtime.query-credentials"));
                assertEquals(1008, client.closed().get(5, TimeUnit.SECONDS), path);
            }
        }
        try (WsTestClient header = WsTestClient.connect(strict.port(), "/ws", "X-Session-Token", token)) {
            header.send("{\"event\":\"user:heartbeat\",\"data\":{\"page\":\"/h\"}}");
            assertTrue(header.drain(Duration.ofMillis(300)).isEmpty(), "the header is no URL: accepted");
            assertFalse(header.closed().isDone());
        }
        try (WsTestClient compatible = WsTestClient.connect(open.port(), "/ws?token=test-admin-token")) {
            compatible.send("{\"event\":\"join-room\",\"data\":{\"room\":\"admin\"}}");
            compatible.nextEvent("admin:snapshot", WAIT);
        }
    }

    @Test
    void aSessionTokenIsRefusedOnceItsSessionHasEnded() {
        String token = strict.token("ended-before-connect");
        assertEquals(200, strict.post("/api/session/logout", null, "X-Session-Token", token).status());
        for (RealtimeTestSocket.Protocol protocol : RealtimeTestSocket.Protocol.values()) {
            assertThrows(AssertionError.class, () -> RealtimeTestSocket.connect(protocol, strict.port(),
                    "{\"session_token\":\"" + token + "\"}"), protocol.toString());
        }
    }
}
