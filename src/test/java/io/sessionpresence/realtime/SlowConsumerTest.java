package io.sessionpresence.realtime;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.sessionpresence.realtime.transport.Overflow;
import io.sessionpresence.testing.RawWebSocket;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One admin socket that stops reading (tiny TCP buffers on both ends, so it backs up fast) must
 * not delay events to another admin, nor the HTTP path; its queue stays within
 * {@code realtime.queue-size}: the oldest messages are dropped, or it is disconnected.
 */
@ParameterizedClass
@EnumSource(Overflow.class)
class SlowConsumerTest {
    private static final int QUEUE = 32;
    private static final int EVENTS = 300;
    /** ~1.2 KB events that fit in the 8 KB send buffer and the ~4 KB receive buffer, with margin. */
    private static final int IN_FLIGHT = 24;
    private static final Duration BOUND = Duration.ofSeconds(1);
    private static final String PAGE = "/" + "p".repeat(1000);

    @Parameter
    Overflow overflow;

    static TestService service;

    @BeforeParameterizedClassInvocation
    static void start(Overflow overflow) {
        service = TestService.start(StoreKind.MEMORY, Map.of(
                "realtime.queue-size", Integer.toString(QUEUE),
                "realtime.overflow", overflow.name().toLowerCase(Locale.ROOT).replace('_', '-'),
                "server.connection-options.socket-send-buffer-size", "8192"));
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        service.close();
    }

    @Test
    void aStalledAdminDelaysNobodyAndStaysBounded() throws Exception {
        try (RawWebSocket stalled = RawWebSocket.open(service.port(), "/ws?token=test-admin-token");
             WsTestClient fast = WsTestClient.connect(service.port(), "/ws?token=test-admin-token")) {
            stalled.sendText("{\"event\":\"join-room\",\"data\":{\"room\":\"admin\"}}");
            fast.send("{\"event\":\"join-room\",\"data\":{\"room\":\"admin\"}}");
            fast.nextEvent("admin:snapshot", Duration.ofSeconds(5));
            Thread.sleep(200);

            for (int i = 0; i < EVENTS; i++) {
                long start = System.nanoTime();
                TestService.Response posted = service.post("/api/heartbeat",
                        "{\"user\":\"slow-" + i + "\",\"page\":\"" + PAGE + "\"}", "Content-Type", "application/json");
                assertEquals(200, posted.status());
                String user = "\"user\":\"slow-" + i + "\"";
                fast.next(m -> m.contains(user), BOUND);
                long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
                assertTrue(ms < BOUND.toMillis(), "event " + i + " took " + ms + " ms to reach the fast admin");
            }

            List<String> backlog = stalled.readAll(Duration.ofMillis(1500));
            long updates = backlog.stream().filter(m -> m.contains("admin:presence:update")).count();
            // The writer takes everything queued (at most a queue's worth) into one write, which
            // blocks while the queue fills again: two queues' worth and the TCP buffers at most.
            assertTrue(updates <= 2 * QUEUE + IN_FLIGHT, "the stalled admin got " + updates + " of " + EVENTS
                    + ": more than its queue (" + QUEUE + ") twice plus what the TCP buffers hold");
            if (overflow == Overflow.DROP_OLDEST) {
                assertTrue(backlog.getLast().contains("\"user\":\"slow-" + (EVENTS - 1) + "\""),
                        "drop-oldest keeps the newest: " + backlog.getLast().substring(0, 80));
                assertTrue(!stalled.closed(), "drop-oldest keeps the connection");
            } else {
                assertTrue(stalled.closed(), "disconnect policy closes the stalled connection");
            }
        }
    }
}
