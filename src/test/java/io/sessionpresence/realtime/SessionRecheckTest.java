package io.sessionpresence.realtime;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.sessionpresence.testing.RealtimeTestSocket;
import io.sessionpresence.testing.RealtimeTestSocket.Protocol;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestRedis;
import io.sessionpresence.testing.TestService;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The periodic recheck of a socket's session ({@code realtime.session-recheck-ms}): a session that
 * ends without its event reaching the instance (here deleted from Redis behind the service's
 * back, as a lost pub/sub message would leave it) closes its sockets by the next recheck; and the
 * recheck counts as use, so an open socket keeps a session with an idle timeout alive while one
 * without a socket idles out.
 */
class SessionRecheckTest {
    private static final long RECHECK_MS = 300;

    private static TestService start(StoreKind store, Map<String, String> extra) {
        Map<String, String> config = new HashMap<>(extra);
        config.put("realtime.session-recheck-ms", Long.toString(RECHECK_MS));
        return TestService.start(store, config);
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aSessionGoneWithoutItsEventClosesItsSocketsAtTheNextRecheck(Protocol protocol) throws Exception {
        try (TestService service = start(StoreKind.REDIS, Map.of())) {
            String token = service.token("recheck-" + protocol);
            try (RealtimeTestSocket socket = RealtimeTestSocket.connect(protocol, service.port(),
                    "{\"session_token\":\"" + token + "\"}")) {
                socket.emit("user:heartbeat", "{\"page\":\"/\"}");
                TestRedis.shared().command("DEL", service.config().get("redis.key-prefix") + "user-sessions");
                long deletedAt = System.currentTimeMillis();
                int code = socket.raw().closed().get(5, TimeUnit.SECONDS);
                long latency = System.currentTimeMillis() - deletedAt;
                assertTrue(latency <= RECHECK_MS + 700, "closed " + latency + " ms after the session went");
                List<String> last = socket.remaining();
                String farewell = protocol == Protocol.WS ? last.getLast() : last.get(last.size() - 2);
                assertEquals("session_ended", socket.eventName(farewell), "the last event: " + last);
                assertEquals(protocol == Protocol.WS ? 4001 : 1000, code);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void anOpenSocketKeepsAnIdleTimeoutFromEndingItsSession(StoreKind store) throws Exception {
        try (TestService service = start(store, Map.of("session.idle-timeout", "1"))) {
            String kept = service.token("kept-by-its-socket");
            String idle = service.token("no-socket");
            try (RealtimeTestSocket socket = RealtimeTestSocket.connect(Protocol.WS, service.port(),
                    "{\"session_token\":\"" + kept + "\"}")) {
                Thread.sleep(2500);
                assertFalse(socket.raw().closed().isDone(), "the socket is still open");
                assertEquals(200, service.get("/api/session/validate", "X-Session-Token", kept).status());
                assertEquals(401, service.get("/api/session/validate", "X-Session-Token", idle).status(),
                        "a session nobody used for 2.5 s idled out");
            }
        }
    }
}
