package io.sessionpresence.realtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionpresence.testing.RealtimeTestSocket;
import io.sessionpresence.testing.RealtimeTestSocket.Protocol;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestService;
import io.sessionpresence.testing.WsTestClient;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The end of a session reaches its open sockets. On Redis two instances share one Redis: the
 * socket is on instance A, the session ends through instance B (memory: one instance plays both).
 * For each way a session ends and both protocols, the socket, which is an admin through its
 * session (its user is in {@code admin.users}) and has reported presence, must get a last
 * {@code session_ended} event and be closed within 1 s of the cause ({@code /ws}: code 4001;
 * Socket.IO: a DISCONNECT packet, then the close), receive nothing after it, and its user's
 * presence must end with exactly one {@code user_logout}. A refresh made on B extends the socket's
 * session on A. The close latencies are printed per store.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
class SessionEndTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final long MAX_CLOSE_MS = 1000;
    private static final int SESSION_SECONDS = 5;
    private static final String ADMIN = "Bearer test-admin-token";

    /** The ways a session ends, and the reason its socket is told. */
    enum Cause {
        LOGOUT("logout"), REVOKE_ONE("revoked"), LOGOUT_ALL("logout-all"), ADMIN_TERMINATE("admin"),
        ADMIN_LOGOUT_EVERYWHERE("admin"), LIMIT_EVICTION("limit"), EXPIRY("expired");

        final String reason;

        Cause(String reason) {
            this.reason = reason;
        }
    }

    @Parameter
    StoreKind store;

    static TestService a;
    static TestService b;
    static final List<Long> closeLatencies = Collections.synchronizedList(new ArrayList<>());

    static String user(Object cause, Protocol protocol) {
        return ("end-" + cause + "-" + protocol).toLowerCase(Locale.ROOT);
    }

    static Stream<Arguments> cases() {
        return Arrays.stream(Cause.values())
                .flatMap(cause -> Arrays.stream(Protocol.values()).map(protocol -> Arguments.of(cause, protocol)));
    }

    @BeforeParameterizedClassInvocation
    static void start(StoreKind store) {
        Map<String, String> shared = new HashMap<>(store.config());
        shared.put("session.timeout", String.valueOf(SESSION_SECONDS));
        shared.put("session.max-per-user", "2");
        List<String> admins = new ArrayList<>(cases().map(c -> user(c.get()[0], (Protocol) c.get()[1])).toList());
        Arrays.stream(Protocol.values()).forEach(p -> admins.add(user("refresh", p)));
        shared.put("admin.users", String.join(",", admins));
        a = TestService.start(store, shared);
        b = store.redis() ? TestService.start(store, shared) : a;
        closeLatencies.clear();
    }

    @AfterParameterizedClassInvocation
    static void stop(StoreKind store) {
        List<Long> sorted = closeLatencies.stream().sorted().toList();
        if (!sorted.isEmpty()) {
            String summary = "Session end to socket close, " + store + " (" + sorted.size() + " cases): p50 "
                    + sorted.get(sorted.size() / 2) + " ms, max " + sorted.getLast() + " ms, all " + sorted;
            System.out.println(summary);
            try {
                Files.writeString(Path.of("target", "session-end-latency-" + store.name().toLowerCase(Locale.ROOT)
                        + ".txt"), summary + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (b != a) {
            b.close();
        }
        a.close();
    }

    private static WsTestClient observer() {
        WsTestClient observer = WsTestClient.connect(a.port(), "/ws");
        observer.send("{\"event\":\"auth\",\"data\":{\"token\":\"test-admin-token\"}}");
        observer.send("{\"event\":\"join-room\",\"data\":{\"room\":\"admin\"}}");
        observer.nextEvent("admin:snapshot", WAIT);
        return observer;
    }

    private static String presenceEvent(String type, String user) {
        return "\"type\":\"" + type + "\",\"user\":\"" + user + "\"";
    }

    private static void ok(TestService.Response response) {
        assertEquals(200, response.status(), response.body());
    }

    /** Connects on A with the session, joins the admin room, reports presence and waits until admins saw it. */
    private static RealtimeTestSocket adminBySession(Protocol protocol, String token, String user, WsTestClient observer) {
        RealtimeTestSocket socket = RealtimeTestSocket.connect(protocol, a.port(), "{\"session_token\":\"" + token + "\"}");
        socket.joinAdmin();
        socket.emit("user:heartbeat", "{\"page\":\"/before-the-end\"}");
        observer.next(m -> m.contains(presenceEvent("user_activity", user)), WAIT);
        assertTrue(socket.nextEvent("admin:presence:update").toString().contains("\"user\":\"" + user + "\""),
                "the socket receives admin events through its session before the end");
        return socket;
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("cases")
    void theEndOfASessionClosesItsSocketsWithinOneSecond(Cause cause, Protocol protocol) throws Exception {
        String user = user(cause, protocol);
        TestService.Response created = b.login(user, cause != Cause.EXPIRY);
        ok(created);
        String token = created.text("session_token");
        String sessionId = created.text("session_id");
        try (WsTestClient observer = observer();
             RealtimeTestSocket socket = adminBySession(protocol, token, user, observer)) {
            // A dependent stage, not a callback on the side: get() on it waits until the time is taken.
            CompletableFuture<Long> closedAt = socket.raw().closed().thenApply(code -> System.currentTimeMillis());
            String other = switch (cause) {
                case REVOKE_ONE -> b.token(user);
                case LIMIT_EVICTION -> b.login(user, true).text("session_token");
                default -> null;
            };

            long causeAt = cause == Cause.EXPIRY ? created.json().path("expires_at").asLong() : System.currentTimeMillis();
            switch (cause) {
                case LOGOUT -> ok(b.post("/api/session/logout", null, "X-Session-Token", token));
                case REVOKE_ONE -> ok(b.delete("/api/session/" + sessionId, "X-Session-Token", other));
                case LOGOUT_ALL -> ok(b.post("/api/session/logout-all", null, "X-Session-Token", token));
                case ADMIN_TERMINATE -> ok(b.delete("/admin/sessions/" + sessionId, "Authorization", ADMIN));
                case ADMIN_LOGOUT_EVERYWHERE -> ok(b.delete("/admin/users/" + user + "/sessions", "Authorization", ADMIN));
                case LIMIT_EVICTION -> ok(b.login(user, true));
                case EXPIRY -> assertFalse(socket.raw().closed().isDone(), "open until the session's deadline");
            }
            int code = socket.raw().closed().get(SESSION_SECONDS + 5, TimeUnit.SECONDS);
            long latency = closedAt.get(1, TimeUnit.SECONDS) - causeAt;
            closeLatencies.add(latency);
            assertTrue(latency >= 0 && latency <= MAX_CLOSE_MS, "closed " + latency + " ms after the cause");

            List<String> last = socket.remaining();
            assertFalse(last.isEmpty(), "a farewell before the close");
            String farewell = protocol == Protocol.WS ? last.getLast() : last.get(last.size() - 2);
            assertEquals("session_ended", socket.eventName(farewell), "the last event: " + last);
            JsonNode data = socket.eventData(farewell);
            assertEquals(cause.reason, data.path("reason").asText());
            assertEquals(sessionId, data.path("session_id").asText());
            if (protocol == Protocol.WS) {
                assertEquals(4001, code);
            } else {
                assertEquals("41", last.getLast(), "DISCONNECT after the farewell, and nothing else: " + last);
                assertEquals(1000, code);
            }

            observer.next(m -> m.contains(presenceEvent("user_logout", user)), WAIT);
            b.post("/api/heartbeat", "{\"user\":\"after-" + user + "\",\"page\":\"/\"}", "Content-Type", "application/json");
            List<String> after = new ArrayList<>(observer.collectUntil(
                    all -> all.stream().anyMatch(m -> m.contains("after-" + user)), WAIT));
            after.addAll(observer.drain(Duration.ofMillis(500)));
            assertEquals(0, after.stream().filter(m -> m.contains(presenceEvent("user_logout", user))).count(),
                    "one user_logout only: " + after);
            assertTrue(socket.remaining().isEmpty(), "nothing after the close");
            assertEquals(401, a.get("/api/session/validate", "X-Session-Token", token).status());
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aRefreshOnAnotherInstanceExtendsTheSocketsSession(Protocol protocol) throws Exception {
        String user = user("refresh", protocol);
        TestService.Response created = b.login(user, false);
        String token = created.text("session_token");
        long firstDeadline = created.json().path("expires_at").asLong();
        try (WsTestClient observer = observer();
             RealtimeTestSocket socket = adminBySession(protocol, token, user, observer)) {
            // Late enough that the refresh moves the deadline, early enough to be made before it.
            Thread.sleep(Math.max(0, firstDeadline - 2000 - System.currentTimeMillis()));
            TestService.Response refreshed = b.post("/api/session/refresh", null, "X-Session-Token", token);
            ok(refreshed);
            long secondDeadline = refreshed.json().path("expires_at").asLong();
            assertTrue(secondDeadline > firstDeadline + 1000, refreshed.body());

            Thread.sleep(Math.max(0, firstDeadline + 500 - System.currentTimeMillis()));
            assertFalse(socket.raw().closed().isDone(), "still open past the first deadline");
            socket.emit("user:heartbeat", "{\"page\":\"/after-the-first-deadline\"}");
            String seen = observer.next(m -> m.contains(presenceEvent("user_activity", user))
                    && m.contains("/after-the-first-deadline"), WAIT);
            assertTrue(seen.contains("\"verified\":true"), seen);

            socket.raw().closed().get(SESSION_SECONDS + 5, TimeUnit.SECONDS);
            long closedAt = System.currentTimeMillis();
            assertTrue(closedAt >= secondDeadline && closedAt <= secondDeadline + MAX_CLOSE_MS,
                    "closed " + (closedAt - secondDeadline) + " ms after the refreshed deadline");
        }
    }
}
