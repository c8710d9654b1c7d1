package io.sessionpresence.realtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionpresence.json.Json;
import io.sessionpresence.testing.RawWebSocket;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestService;
import io.sessionpresence.testing.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plain WebSocket heartbeat (a peer that never answers pings is dropped after
 * ping-interval + ping-timeout; one that does stays) and presence coalescing
 * ({@code realtime.coalesce-ms}: one {@code admin:presence:diff} per period instead of per-event updates).
 */
class HeartbeatAndCoalescingTest {
    static TestService service;

    @BeforeAll
    static void start() {
        service = TestService.start(StoreKind.MEMORY, Map.of("realtime.ping-interval-ms", "300",
                "realtime.ping-timeout-ms", "200", "realtime.coalesce-ms", "250"));
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void aWebSocketPeerThatNeverAnswersPingsIsDropped() throws Exception {
        long start = System.nanoTime();
        try (RawWebSocket silent = RawWebSocket.open(service.port(), "/ws");
             WsTestClient answering = WsTestClient.connect(service.port(), "/ws")) {
            silent.readAll(Duration.ofSeconds(3));
            long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertTrue(silent.closed() && ms >= 450 && ms < 1500, "dropped after " + ms + " ms, expected ~500");
            assertTrue(!answering.closed().isDone(), "the JDK client answers pings and stays");
        }
    }

    @Test
    void presenceEventsAreCoalescedIntoDiffs() {
        try (WsTestClient admin = WsTestClient.connect(service.port(), "/ws?token=test-admin-token");
             WsTestClient user = WsTestClient.connect(service.port(), "/ws")) {
            admin.send("{\"event\":\"join-room\",\"data\":{\"room\":\"admin\"}}");
            admin.nextEvent("admin:snapshot", Duration.ofSeconds(5));
            for (String page : List.of("/1", "/2", "/3")) {
                service.post("/api/heartbeat", "{\"user\":\"busy\",\"page\":\"" + page + "\"}", "Content-Type", "application/json");
            }
            user.send("{\"event\":\"user:login\",\"data\":{\"user\":\"arriving\"}}");
            user.send("{\"event\":\"user:logout\",\"data\":{\"user\":\"leaving\"}}");

            List<String> all = new ArrayList<>();
            all.add(admin.next(m -> m.contains("admin:presence:diff"), Duration.ofSeconds(5)));
            all.addAll(admin.drain(Duration.ofMillis(700)));
            assertTrue(all.stream().noneMatch(m -> m.contains("admin:presence:update")), "no per-event updates: " + all);
            List<JsonNode> joins = new ArrayList<>();
            List<JsonNode> leaves = new ArrayList<>();
            List<JsonNode> busy = new ArrayList<>();
            for (String message : all) {
                JsonNode diff = Json.read(message, JsonNode.class).path("data");
                diff.path("joins").forEach(joins::add);
                diff.path("leaves").forEach(leaves::add);
                List<JsonNode> busyHere = new ArrayList<>();
                diff.path("updates").forEach(u -> {
                    if (u.path("user").asText().equals("busy")) {
                        busyHere.add(u);
                    }
                });
                assertTrue(busyHere.size() <= 1, "one entry per user|ip and period: " + message);
                busy.addAll(busyHere);
            }
            assertEquals("/3", busy.getLast().path("page").asText(), "the latest heartbeat wins");
            assertEquals(List.of("arriving"), joins.stream().map(j -> j.path("user").asText()).toList());
            assertEquals(List.of("leaving"), leaves.stream().map(l -> l.path("user").asText()).toList());
        }
    }
}
