package io.sessionpresence.realtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.sessionpresence.testing.ManualClock;
import io.sessionpresence.testing.TestService;
import io.sessionpresence.testing.WsTestClient;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The memory store's counterpart of {@link MultiInstanceTest}'s expiry events: on a manual clock,
 * Caffeine's scheduler evicts as soon as the clock passes the deadlines, so the expiry events
 * reach an admin socket at once, and not before.
 */
class MemoryExpiryEventsTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void expiryReachesTheAdminRoomAsSoonAsTimePassesTheDeadline() {
        ManualClock clock = new ManualClock();
        try (TestService service = TestService.start(Map.of("presence.ttl", "2", "session.timeout", "2"), clock);
             WsTestClient admin = WsTestClient.admin(service.port(), WAIT)) {
            service.post("/api/heartbeat", "{\"user\":\"short-lived\",\"page\":\"/x\"}",
                    "Content-Type", "application/json");
            String sessionId = service.login("short-session", false).text("session_id");
            admin.next(m -> m.contains("\"type\":\"session_created\",\"session_id\":\"" + sessionId + "\""), WAIT);

            clock.advance(Duration.ofMillis(1900));
            List<String> early = admin.drain(Duration.ofMillis(300));
            assertEquals(List.of(), early.stream().filter(m -> m.contains("_expired")).toList(),
                    "nothing before the deadline");

            // Past both deadlines by a little over Caffeine's one-second timer-wheel step.
            clock.advance(Duration.ofMillis(1200));
            admin.assertEachOnce(List.of("\"type\":\"user_expired\",\"user\":\"short-lived\"",
                            "\"type\":\"session_expired\",\"session_id\":\"" + sessionId + "\""),
                    Duration.ofSeconds(1), Duration.ofMillis(300), "admin");
        }
    }
}
