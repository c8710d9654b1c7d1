package io.sessionpresence.realtime;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

/**
 * Two service instances on one real Redis, then on a real 3-master Redis Cluster (same key
 * prefix): a session made on one is usable and revocable on the other at once, and an admin on
 * either instance sees what happens on both, each event exactly once (on the Cluster over sharded
 * pub/sub), including the expiry events that come from Redis' own entry expiry (short TTLs here).
 */
@ParameterizedClass
@EnumSource(value = StoreKind.class, names = {"REDIS", "REDIS_CLUSTER"})
class MultiInstanceTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration EXPIRY_WAIT = Duration.ofSeconds(15);

    @Parameter
    StoreKind store;

    static TestService a;
    static TestService b;

    @BeforeParameterizedClassInvocation
    static void start(StoreKind store) {
        Map<String, String> shared = new HashMap<>(store.config());
        shared.put("presence.ttl", "2");
        shared.put("session.timeout", "2");
        a = TestService.start(store, shared);
        b = TestService.start(store, shared);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        a.close();
        b.close();
    }

    private static WsTestClient admin(TestService service) {
        return WsTestClient.admin(service.port(), WAIT);
    }

    /** Waits for the first message containing {@code marker}, then counts every one that arrives for a while. */
    private static long count(WsTestClient admin, String marker, Duration wait) {
        admin.next(m -> m.contains(marker), wait);
        List<String> more = admin.drain(Duration.ofMillis(1500));
        return 1 + more.stream().filter(m -> m.contains(marker)).count();
    }

    @Test
    void aSessionMadeOnOneInstanceIsUsedAndEndedOnTheOther() {
        String token = a.token("across");
        assertEquals(200, b.get("/api/session/validate", "X-Session-Token", token).status());
        assertEquals(200, b.post("/api/session/logout", "", "X-Session-Token", token).status());
        assertEquals(401, a.get("/api/session/validate", "X-Session-Token", token).status(), "ended on B, refused on A at once");
    }

    @Test
    void eventsOnEitherInstanceReachEveryAdminExactlyOnce() {
        try (WsTestClient onA = admin(a); WsTestClient onB = admin(b);
             WsTestClient userOnA = WsTestClient.connect(a.port(), "/ws")) {
            b.post("/api/heartbeat", "{\"user\":\"posted-to-b\",\"page\":\"/b\"}", "Content-Type", "application/json");
            userOnA.send("{\"event\":\"user:heartbeat\",\"data\":{\"user\":\"socket-on-a\",\"page\":\"/a\"}}");
            String fromB = "\"type\":\"user_activity\",\"user\":\"posted-to-b\"";
            String fromA = "\"type\":\"user_activity\",\"user\":\"socket-on-a\"";
            assertEquals(1, count(onA, fromB, WAIT), "admin on A, heartbeat posted to B");
            assertEquals(1, count(onB, fromA, WAIT), "admin on B, socket heartbeat on A");

            String sessionId = b.login("session-on-b", false).text("session_id");
            String created = "\"type\":\"session_created\",\"session_id\":\"" + sessionId + "\"";
            assertEquals(1, count(onA, created, WAIT));
            assertEquals(1, count(onB, created, WAIT));
        }
    }

    @Test
    void expiryEventsFromShortTtlsReachEveryAdminExactlyOnce() {
        try (WsTestClient onA = admin(a); WsTestClient onB = admin(b)) {
            a.post("/api/heartbeat", "{\"user\":\"short-lived\",\"page\":\"/x\"}", "Content-Type", "application/json");
            String sessionId = b.login("short-session", false).text("session_id");
            // Each RMapCache has its own eviction task on its own schedule, so the session may be
            // reported expired before the presence entry that expired first: awaited in any order.
            List<String> expired = List.of("\"type\":\"user_expired\",\"user\":\"short-lived\"",
                    "\"type\":\"session_expired\",\"session_id\":\"" + sessionId + "\"");
            onA.assertEachOnce(expired, EXPIRY_WAIT, Duration.ofMillis(2000), "admin on A");
            onB.assertEachOnce(expired, EXPIRY_WAIT, Duration.ofMillis(200), "admin on B");
        }
    }
}
