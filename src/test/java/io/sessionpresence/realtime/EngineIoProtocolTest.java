package io.sessionpresence.realtime;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionpresence.json.Json;
import io.sessionpresence.testing.HttpTestClient.Response;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestService;
import io.sessionpresence.testing.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Engine.IO v4 and Socket.IO v5 on the wire, packet by packet, after the public protocol test
 * suites, which {@link ProtocolSuitesTest} runs as they are (same heartbeat: pingInterval 300,
 * pingTimeout 200; a connect timeout of 1000 ms, where the suites' server keeps socket.io's 45 s).
 */
class EngineIoProtocolTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String POLLING = "/socket.io/?EIO=4&transport=polling";
    private static final String WEBSOCKET = "/socket.io/?EIO=4&transport=websocket";

    static TestService service;

    @BeforeAll
    static void start() {
        service = TestService.start(StoreKind.MEMORY, Map.of("realtime.ping-interval-ms", "300",
                "realtime.ping-timeout-ms", "200", "realtime.connect-timeout-ms", "1000"));
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    private static JsonNode open(String packet) {
        assertTrue(packet.startsWith("0"), packet);
        return Json.read(packet.substring(1), JsonNode.class);
    }

    private static String pollingSession() {
        return open(service.get(POLLING).body()).path("sid").asText();
    }

    private static WsTestClient socketIo(String connect) {
        WsTestClient client = WsTestClient.connect(service.port(), WEBSOCKET);
        open(client.next(WAIT));
        client.send(connect);
        return client;
    }

    /** A GET sent now, given time to reach the server and wait there before the caller goes on. */
    private static CompletableFuture<Response> waitingPoll(String path) throws InterruptedException {
        CompletableFuture<Response> poll = CompletableFuture.supplyAsync(() -> service.get(path));
        Thread.sleep(50);
        return poll;
    }

    private static void assertClosedSoon(WsTestClient client) throws Exception {
        client.closed().get(5, TimeUnit.SECONDS);
    }

    // ---- Engine.IO

    @Test
    void pollingHandshakeAnnouncesTheConfiguredHeartbeatAndPayload() {
        Response response = service.get(POLLING);
        assertEquals(200, response.status());
        assertTrue(response.headers().get("content-type").getFirst().startsWith("text/plain"));
        JsonNode handshake = open(response.body());
        assertEquals(20, handshake.path("sid").asText().length());
        assertEquals("[\"websocket\"]", handshake.path("upgrades").toString());
        assertEquals(300, handshake.path("pingInterval").asInt());
        assertEquals(200, handshake.path("pingTimeout").asInt());
        assertEquals(1000000, handshake.path("maxPayload").asInt());
    }

    @Test
    void badPollingRequestsGet400() {
        for (String path : new String[]{"/socket.io/?transport=polling", "/socket.io/?EIO=abc&transport=polling",
                "/socket.io/?EIO=4", "/socket.io/?EIO=4&transport=abc", POLLING + "&sid=unknown"}) {
            assertEquals(400, service.get(path).status(), path);
        }
        assertEquals(1, service.get(POLLING + "&sid=unknown").json().path("code").asInt());
        assertEquals(400, service.post(POLLING, "40").status());
        assertEquals(400, service.send(java.net.http.HttpRequest.newBuilder(service.uri(POLLING))
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("x"))).status());
    }

    @Test
    void pollingHeartbeatAndPingTimeout() throws Exception {
        String sid = pollingSession();
        String path = POLLING + "&sid=" + sid;
        for (int i = 0; i < 2; i++) {
            assertEquals("2", service.get(path).body());
            assertEquals("ok", service.post(path, "3").body());
        }
        Thread.sleep(300 + 200 + 150);
        assertEquals(400, service.get(path).status(), "no pong: the session is gone");
    }

    @Test
    void pollingMessagesOverlappingGetsAndClose() throws Exception {
        String sid = pollingSession();
        String path = POLLING + "&sid=" + sid;
        CompletableFuture<Response> first = waitingPoll(path);
        assertEquals(400, service.get(path + "&t=burst").status());
        assertEquals("1", first.get(5, TimeUnit.SECONDS).body(), "the waiting GET learns of the close");
        assertEquals(400, service.get(path).status());

        String sid2 = pollingSession();
        String path2 = POLLING + "&sid=" + sid2;
        CompletableFuture<Response> poll = waitingPoll(path2);
        assertEquals("ok", service.post(path2, "1").body());
        assertEquals("6", poll.get(5, TimeUnit.SECONDS).body());
        assertEquals(400, service.get(path2).status());
    }

    @Test
    void invalidPollingPacketClosesTheSession() {
        String path = POLLING + "&sid=" + pollingSession();
        assertEquals(400, service.post(path, "abc").status());
        assertEquals(400, service.get(path).status());
    }

    /** An empty or non-UTF-8 body is a bad packet like any other, not a 500 or a replacement character. */
    @Test
    void emptyOrNonUtf8PostsAreRefusedAndCloseTheSession() {
        String empty = POLLING + "&sid=" + pollingSession();
        Response refused = service.send(HttpRequest.newBuilder(service.uri(empty)).POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(400, refused.status());
        assertTrue(refused.body().startsWith("{"), refused.body());
        assertEquals(400, service.get(empty).status(), "the session is closed");

        String invalid = POLLING + "&sid=" + pollingSession();
        byte[] notUtf8 = "40{\"user\":\"bad\u00ff\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(400, service.send(HttpRequest.newBuilder(service.uri(invalid))
                .POST(HttpRequest.BodyPublishers.ofByteArray(notUtf8))).status());
        assertEquals(400, service.get(invalid).status(), "the session is closed");
    }

    /**
     * The handshake announces 1 MB and socket.io-client batches its POSTs up to that: a body past
     * server.max-payload-size (64 KiB, the JSON routes' limit) but within 1 MB is taken; past
     * 1 MB it is 413.
     */
    @Test
    void pollingBodiesUpToTheAnnouncedMaxPayloadAreTaken() {
        String path = POLLING + "&sid=" + pollingSession();
        assertEquals("ok", service.post(path, "40").body());
        String message = "42[\"join-room\",{\"room\":\"" + "x".repeat(200_000) + "\"}]";
        String batch = String.join("\u001e", message, message, message, message);
        assertEquals("ok", service.post(path, batch).body());
        String answers = service.get(path).body();
        assertTrue(answers.startsWith("40{\"sid\"") && answers.split("\u001e").length == 5, answers);
        assertEquals(413, service.post(path, "4" + "x".repeat(1_000_000)).status());
        assertEquals(200, service.get(path).status(), "the session goes on, as with the reference server");
        assertEquals(413, service.post("/api/heartbeat", "{\"user\":\"" + "x".repeat(70_000) + "\"}").status(),
                "the JSON routes keep server.max-payload-size");
    }

    /** A POST holds 3 bytes per byte of its body against realtime.max-buffered-bytes while it is taken: past it, 503. */
    @Test
    void aPostPastTheBufferBudgetGets503() {
        try (TestService small = TestService.start(StoreKind.MEMORY, Map.of("realtime.max-buffered-bytes", "3000"))) {
            String path = POLLING + "&sid=" + open(small.get(POLLING).body()).path("sid").asText();
            assertEquals("ok", small.post(path, "40").body());
            String event = "42[\"join-room\",{\"room\":\"%s\"}]";
            assertEquals("ok", small.post(path, event.formatted("x".repeat(900))).body());
            Response refused = small.post(path, event.formatted("x".repeat(1000)));
            assertEquals(503, refused.status());
            assertTrue(refused.body().startsWith("{"), refused.body());
            assertEquals("ok", small.post(path, event.formatted("y")).body(), "the session goes on");
        }
    }

    @Test
    void webSocketOnlySessionOpensWithoutUpgrades() {
        try (WsTestClient client = WsTestClient.connect(service.port(), WEBSOCKET)) {
            assertEquals("[]", open(client.next(WAIT)).path("upgrades").toString());
        }
    }

    @Test
    void webSocketOnlySessionIsDroppedWhenPingsGoUnanswered() throws Exception {
        try (WsTestClient client = socketIo("40")) {
            assertTrue(client.next(WAIT).startsWith("40{"), "joined, so the connect timeout is not what closes it");
            for (int i = 0; i < 2; i++) {
                assertEquals("2", client.next(WAIT));
                client.send("3");
            }
            long lastPong = System.nanoTime();
            assertEquals("2", client.next(WAIT));
            client.closed().get(5, TimeUnit.SECONDS);
            long afterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastPong);
            assertTrue(afterMs >= 400 && afterMs < 1500, "dropped " + afterMs + " ms after the last pong, expected ~500");
        }
    }

    @Test
    void invalidWebSocketPacketClosesTheConnection() throws Exception {
        try (WsTestClient client = WsTestClient.connect(service.port(), WEBSOCKET)) {
            open(client.next(WAIT));
            client.send("abc");
            assertClosedSoon(client);
        }
    }

    @Test
    void upgradeFromPollingToWebSocket() throws Exception {
        String sid = pollingSession();
        String path = POLLING + "&sid=" + sid;
        try (WsTestClient ws = WsTestClient.connect(service.port(), WEBSOCKET + "&sid=" + sid)) {
            ws.send("2probe");
            assertEquals("3probe", ws.next(WAIT));
            assertEquals("6", service.get(path).body(), "noop ends the pending poll");
            ws.send("5");
            ws.send("40");
            assertTrue(ws.next(m -> !m.equals("2"), WAIT).startsWith("40{\"sid\":"));
            assertEquals(400, service.get(path).status(), "polling is over after the upgrade");
            try (WsTestClient second = WsTestClient.connect(service.port(), WEBSOCKET + "&sid=" + sid)) {
                assertClosedSoon(second);
            }
            assertThrows(IllegalStateException.class,
                    () -> WsTestClient.connect(service.port(), WEBSOCKET + "&sid=unknown").close(),
                    "400 is for unknown sessions; a known one that cannot take the WebSocket closes it");
            ws.send("3");
            ws.send("41");
            assertEquals("2", ws.next(WAIT), "the upgraded WebSocket lives on");
        }
    }

    @Test
    void aPollPendingWhenTheUpgradeCompletesIsEndedAsUpgraded() throws Exception {
        String sid = pollingSession();
        String path = POLLING + "&sid=" + sid;
        CompletableFuture<Response> pending = waitingPoll(path);
        try (WsTestClient ws = WsTestClient.connect(service.port(), WEBSOCKET + "&sid=" + sid)) {
            ws.send("2probe");
            assertEquals("3probe", ws.next(WAIT));
            ws.send("5");
            assertEquals(400, pending.get(5, TimeUnit.SECONDS).status(),
                    "the upgrade came within the check period, so the poll is not answered with a noop");
        }
    }

    @Test
    void aPollRightAfterTheClientClosedGetsTheNoopOnce() {
        String path = POLLING + "&sid=" + pollingSession();
        assertEquals("ok", service.post(path, "1").body());
        assertEquals("6", service.get(path).body(), "a poll sent alongside the close ends normally");
        assertEquals(400, service.get(path).status());
        assertEquals(400, service.post(path, "3").status());
    }

    // ---- Socket.IO

    @Test
    void connectToTheMainNamespaceAndRefuseOthers() {
        try (WsTestClient client = socketIo("40")) {
            assertTrue(client.next(WAIT).matches("40\\{\"sid\":\"[A-Za-z0-9_-]{20}\"}"));
            client.send("40/random");
            assertEquals("44/random,{\"message\":\"Invalid namespace\"}", client.next(m -> !m.equals("2"), WAIT));
            client.send("41");
            assertEquals("2", client.next(WAIT), "still open after leaving the namespace");
        }
    }

    @Test
    void badAuthIsAConnectError() {
        try (WsTestClient client = socketIo("40{\"token\":\"wrong\"}")) {
            assertEquals("44{\"message\":\"Invalid admin token\"}", client.next(WAIT));
            client.send("40{\"session_token\":\"sps_stale\"}");
            assertEquals("44{\"message\":\"Invalid or expired session token\"}", client.next(m -> !m.equals("2"), WAIT));
            client.send("40{\"token\":\"test-admin-token\"}");
            assertTrue(client.next(m -> !m.equals("2"), WAIT).startsWith("40{\"sid\""));
        }
    }

    @Test
    void eventsAreAcknowledgedAndErrorsKeepTheConnection() {
        try (WsTestClient client = socketIo("40")) {
            client.next(WAIT);
            client.send("4212[\"join-room\",{\"room\":\"admin\"}]");
            assertTrue(client.next(m -> m.startsWith("42"), WAIT).startsWith("42[\"error\",{\"message\":\"Admin credential"));
            assertTrue(client.next(m -> m.startsWith("43"), WAIT).startsWith("4312[{\"ok\":false"));
            client.send("427[\"user:heartbeat\",{\"user\":\"acked\",\"page\":\"/p\"}]");
            assertEquals("437[{\"ok\":true,\"user\":\"acked\",\"verified\":false}]", client.next(m -> m.startsWith("43"), WAIT));
            client.send("451-[\"user:heartbeat\",{\"_placeholder\":true,\"num\":0}]");
            client.sendBinary(new byte[]{1, 2, 3});
            assertTrue(client.next(m -> m.startsWith("42"), WAIT).contains("Binary payloads are not supported"));
            assertTrue(!client.closed().isDone());
        }
        try (WsTestClient admin = socketIo("40{\"token\":\"test-admin-token\"}")) {
            admin.next(WAIT);
            admin.send("421[\"join-room\",{\"room\":\"admin\"}]");
            assertEquals("42[\"joined_room\",{\"room\":\"admin\"}]", admin.next(m -> m.startsWith("42"), WAIT));
            assertTrue(admin.next(m -> m.startsWith("42"), WAIT).startsWith("42[\"admin:snapshot\",{\"presence\":"));
            assertEquals("431[{\"ok\":true,\"room\":\"admin\"}]", admin.next(m -> m.startsWith("43"), WAIT));
        }
    }

    @Test
    void malformedSocketIoPacketsCloseTheConnection() throws Exception {
        for (String bad : new String[]{"4abc", "42{}", "42abc[\"join-room\"]", "42[\"connect\"]", "41{}",
                "42[\"user:heartbeat\",{\"user\":\"u\"}] x", "42[\"user:heartbeat\",{\"user\":\"u\"}]{}",
                "42[\"user:heartbeat\",{\"user\":\"u\"}]]"}) {
            try (WsTestClient client = socketIo("40")) {
                client.next(WAIT);
                client.send(bad);
                assertClosedSoon(client);
            }
        }
    }

    @Test
    void noConnectWithinTheConnectTimeoutCloses() throws Exception {
        try (WsTestClient client = WsTestClient.connect(service.port(), WEBSOCKET)) {
            open(client.next(WAIT));
            long start = System.nanoTime();
            while (!client.closed().isDone() && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5)) {
                if ("2".equals(client.poll(Duration.ofMillis(20)))) {
                    client.send("3");
                }
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(ms >= 900 && ms < 3000, "closed after " + ms + " ms, expected ~1000");
        }
    }
}
