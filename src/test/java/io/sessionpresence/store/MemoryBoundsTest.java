package io.sessionpresence.store;

import java.time.Duration;
import java.util.Map;

import io.sessionpresence.testing.HttpTestClient.Response;
import io.sessionpresence.testing.ManualClock;
import io.sessionpresence.testing.TestService;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The memory store's bounds ({@code store.memory.*}): past each, a new entry is refused with 503,
 * {@code Retry-After} and a message naming the bound, while entries already held keep working,
 * and room comes back as entries expire.
 */
class MemoryBoundsTest {
    private static final String JSON = "application/json";

    private static void assertFull(Response res, String key) {
        assertEquals(503, res.status(), res.body());
        assertEquals("30", res.headers().get("retry-after").getFirst());
        assertEquals(503, res.json().path("code").asInt());
        assertTrue(res.text("error").contains("store.memory." + key), res.body());
    }

    private static Response heartbeat(TestService service, String user) {
        return service.post("/api/heartbeat", "{\"user\":\"" + user + "\",\"page\":\"/\"}", "Content-Type", JSON);
    }

    @Test
    void sessionsPastTheirBoundAreRefusedAndThoseHeldKeepWorking() {
        ManualClock clock = new ManualClock();
        try (TestService service = TestService.start(Map.of("store.memory.max-sessions", "3",
                "session.timeout", "60"), clock)) {
            String first = service.token("bounded-1");
            service.token("bounded-2");
            service.token("bounded-3");
            assertFull(service.login("bounded-4", false), "max-sessions");
            assertEquals(200, service.get("/api/session/validate", "X-Session-Token", first).status());
            assertEquals(200, service.post("/api/session/refresh", null, "X-Session-Token", first).status());
            assertEquals(200, service.post("/api/session/logout", null, "X-Session-Token", first).status());
            assertEquals(200, service.login("bounded-4", false).status(), "a logout makes room");
            clock.advance(Duration.ofSeconds(61));
            assertEquals(200, service.login("bounded-5", false).status(), "expiry makes room");
        }
    }

    @Test
    void presenceEntriesPastTheirBoundAreRefusedButKnownVisitorsStillReport() {
        ManualClock clock = new ManualClock();
        try (TestService service = TestService.start(Map.of("store.memory.max-presence", "2",
                "presence.ttl", "60"), clock)) {
            assertEquals(200, heartbeat(service, "visitor-1").status());
            assertEquals(200, heartbeat(service, "visitor-2").status());
            assertFull(heartbeat(service, "visitor-3"), "max-presence");
            assertEquals(200, heartbeat(service, "visitor-1").status(), "an entry already held is updated");
            clock.advance(Duration.ofSeconds(61));
            assertEquals(200, heartbeat(service, "visitor-3").status(), "expiry makes room");
        }
    }

    @Test
    void cachedDataPastItsByteBoundIsRefused() {
        try (TestService service = TestService.start(Map.of("store.memory.max-cache-bytes", "4000"),
                new ManualClock())) {
            String token = service.token("cache-user");
            String data = "{\"data\":{\"blob\":\"" + "x".repeat(1000) + "\"}}";
            assertEquals(200, service.post("/api/cache/user/cache-user", data, "X-Session-Token", token,
                    "Content-Type", JSON).status());
            assertFull(service.post("/api/cache/user/cache-other", data, "X-Session-Token",
                    service.token("cache-other"), "Content-Type", JSON), "max-cache-bytes");
            assertEquals(200, service.post("/api/cache/user/cache-user", data, "X-Session-Token", token,
                    "Content-Type", JSON).status(), "replacing data of the same size needs no room");
        }
    }

    @Test
    void everyEntryCountsAgainstTheStoresByteBound() {
        try (TestService service = TestService.start(Map.of("store.memory.max-bytes", "20000"), new ManualClock())) {
            int accepted = 0;
            Response res = heartbeat(service, "filler-0");
            while (res.status() == 200) {
                accepted++;
                res = heartbeat(service, "filler-" + accepted + "-" + "y".repeat(200));
            }
            assertFull(res, "max-bytes");
            assertTrue(accepted > 5 && accepted < 60, accepted + " heartbeats in 20,000 bytes");
            assertFull(service.login("late", false), "max-bytes");
        }
    }
}
