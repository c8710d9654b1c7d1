package io.sessionpresence.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import io.sessionpresence.testing.PerStoreServiceTest;
import io.sessionpresence.testing.RealtimeTestSocket;
import io.sessionpresence.testing.RealtimeTestSocket.Protocol;
import io.sessionpresence.testing.Scrape;
import io.sessionpresence.testing.StoreKind;
import org.junit.jupiter.api.Test;

import static io.sessionpresence.testing.Scrape.delta;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The service's meters as Prometheus scrapes them ({@code /observe/metrics}, text format), on
 * both stores, after a scripted workload: sessions created, validated, refreshed and ended over
 * HTTP; heartbeats over HTTP and {@code /ws}; an admin on Socket.IO receiving the events. Counters
 * are shared by every service this JVM has started, so they are read as differences; gauges
 * belong to the service started last, this one.
 */
class MetricsTest extends PerStoreServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String SESSION = "X-Session-Token";

    private Scrape scrape() {
        return Scrape.of(service);
    }

    /** Scrapes until {@code done} holds (events travel through Redis pub/sub, sockets close asynchronously). */
    private Scrape scrapeUntil(Predicate<Scrape> done) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Scrape scrape = scrape();
        while (!done.test(scrape) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            scrape = scrape();
        }
        return scrape;
    }

    @Test
    void countsTheWorkload() throws InterruptedException {
        try (RealtimeTestSocket admin = RealtimeTestSocket.connect(Protocol.SOCKET_IO, service.port(),
                "{\"token\":\"test-admin-token\"}")) {
            admin.joinAdmin();
            Scrape before = scrape();

            String a = service.token("metrics-a");
            String b = service.token("metrics-a");
            String c = service.token("metrics-c");
            for (int i = 0; i < 4; i++) {
                assertEquals(200, service.get("/api/session/validate", SESSION, a).status());
            }
            assertEquals(200, service.post("/api/session/refresh", null, SESSION, a).status());
            assertEquals(200, service.post("/api/session/logout", null, SESSION, b).status());
            assertEquals(200, service.post("/api/session/logout-all", null, SESSION, c).status());
            for (int i = 0; i < 2; i++) {
                assertEquals(200, service.post("/api/heartbeat", "{\"user\":\"metrics-walker\",\"page\":\"/p\"}",
                        "Content-Type", "application/json").status());
            }
            List<String> adminEvents = new ArrayList<>();
            try (RealtimeTestSocket user = RealtimeTestSocket.connect(Protocol.WS, service.port(),
                    "{\"session_token\":\"" + a + "\"}")) {
                Scrape open = scrapeUntil(s -> s.value("session_presence_socket_connections", "transport", "ws") == 1);
                assertEquals(1, open.value("session_presence_socket_connections", "transport", "ws"));
                assertEquals(1, open.value("session_presence_socket_connections", "transport", "socketio"));
                user.emit("user:heartbeat", "{\"page\":\"/ws-page\"}");
                // The last event of the workload: the admin has every earlier one once this arrives.
                adminEvents.addAll(admin.raw().collectUntil(all -> all.stream().anyMatch(m -> admin.eventName(m) != null
                        && admin.eventData(m).path("page").asText().equals("/ws-page")), WAIT));
                user.raw().closeNormally(WAIT);
            }
            adminEvents.addAll(admin.raw().drain(Duration.ofMillis(300)));
            adminEvents.removeIf(m -> admin.eventName(m) == null || !admin.eventName(m).startsWith("admin:"));

            Scrape after = scrapeUntil(s -> s.value("session_presence_socket_connections", "transport", "ws") == 0);
            assertEquals(3, delta(before, after, "session_presence_sessions_created_total"));
            assertEquals(1, delta(before, after, "session_presence_sessions_refreshed_total"));
            assertEquals(2, delta(before, after, "session_presence_sessions_revoked_total"));
            assertEquals(0, delta(before, after, "session_presence_sessions_expired_total"));
            // 4 validate calls, the refresh, both logouts and the socket's session token.
            assertEquals(8, delta(before, after, "session_presence_validate_seconds_count"));
            assertEquals(8, delta(before, after, "session_presence_validate_seconds_bucket", "le", "+Inf"));
            assertEquals(4, delta(before, after, "session_presence_http_requests_seconds_count",
                    "method", "GET", "route", "/api/session/validate"));
            assertEquals(2, delta(before, after, "session_presence_http_requests_seconds_count",
                    "method", "POST", "route", "/api/heartbeat"));
            assertEquals(2, delta(before, after, "session_presence_heartbeats_total", "transport", "http"));
            assertEquals(1, delta(before, after, "session_presence_heartbeats_total", "transport", "ws"));
            assertEquals(0, delta(before, after, "session_presence_heartbeats_total", "transport", "socketio"));
            assertEquals(1, after.value("session_presence_sessions_active"));
            assertEquals(2, after.value("session_presence_presence_entries"));
            assertEquals(0, after.value("session_presence_socket_connections", "transport", "ws"));
            assertEquals(1, after.value("session_presence_socket_connections", "transport", "socketio"));
            // One admin in the room: each event that reached it was queued to that admin once.
            assertTrue(adminEvents.size() >= 8, adminEvents.toString());
            assertEquals(adminEvents.size(), delta(before, after, "session_presence_admin_events_received_total"));
            assertEquals(adminEvents.size(), delta(before, after, "session_presence_admin_events_delivered_total"));
            for (String transport : List.of("ws", "socketio")) {
                assertEquals(0, delta(before, after, "session_presence_socket_messages_dropped_total",
                        "transport", transport));
            }
            for (String transport : List.of("http", "ws", "socketio")) {
                assertEquals(0, delta(before, after, "session_presence_store_errors_total", "transport", transport));
            }
            assertBatches(before, after);
        }
    }

    /**
     * Redis: the 8 validates and 3 heartbeats went through the batcher one at a time (the workload
     * is sequential), so each of the 11 batches held one call (a create, its login limit included,
     * is one script of its own). Memory has no batches.
     */
    private void assertBatches(Scrape before, Scrape after) {
        double batches = delta(before, after, "session_presence_redis_batch_size_count");
        if (store == StoreKind.MEMORY) {
            assertEquals(0, batches);
            return;
        }
        assertEquals(11, batches);
        assertEquals(11, delta(before, after, "session_presence_redis_batch_size_sum"));
        assertEquals(11, delta(before, after, "session_presence_redis_batch_size_bucket", "le", "1.0"));
    }

    @Test
    void namesFollowPrometheusConventions() {
        Scrape scrape = scrape();
        for (String name : List.of("session_presence_sessions_created_total", "session_presence_sessions_refreshed_total",
                "session_presence_sessions_revoked_total", "session_presence_sessions_expired_total",
                "session_presence_validate_seconds_bucket", "session_presence_heartbeats_total",
                "session_presence_sessions_active", "session_presence_presence_entries",
                "session_presence_socket_connections", "session_presence_admin_events_received_total",
                "session_presence_admin_events_delivered_total", "session_presence_socket_messages_dropped_total",
                "session_presence_store_errors_total", "session_presence_redis_batch_size_bucket")) {
            assertTrue(scrape.has(name), name + " missing");
        }
        // Buckets only: quantiles cannot be added up across instances.
        assertFalse(scrape.has("session_presence_validate_seconds"));
    }
}
