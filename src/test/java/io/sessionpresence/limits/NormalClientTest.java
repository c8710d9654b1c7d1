package io.sessionpresence.limits;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.sessionpresence.testing.HttpTestClient.Response;
import io.sessionpresence.testing.RealtimeTestSocket.Protocol;
import io.sessionpresence.testing.RealtimeTestSocket;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The default limits never meet normal clients, all from one address (as behind a NAT; the
 * loopback exemption is cleared so that the defaults apply to this test's 127.0.0.1): a burst of
 * every tab's heartbeat (a browser sends one per 30 s per tab; here 500 tabs send theirs at once),
 * session clients creating, validating, refreshing and listing, and socket clients sending their
 * heartbeats.
 */
class NormalClientTest {
    static TestService service;

    @BeforeAll
    static void start() {
        service = TestService.start(StoreKind.MEMORY, Map.of("limits.exempt", ""));
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    /** Runs {@code calls} on 16 threads; returns every answer that was not a 200. */
    private static List<String> notOk(int calls, java.util.function.IntFunction<List<Response>> call)
            throws Exception {
        List<String> failures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            List<Future<List<Response>>> futures = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                int n = i;
                futures.add(pool.submit(() -> call.apply(n)));
            }
            for (Future<List<Response>> future : futures) {
                future.get().stream().filter(r -> r.status() != 200).forEach(r -> failures.add(r.toString()));
            }
        }
        return failures;
    }

    @Test
    void everyTabsHeartbeatAtOnceFromOneAddress() throws Exception {
        List<String> failures = notOk(500, tab -> List.of(service.post("/api/heartbeat",
                "{\"user\":\"tab-user-" + (tab % 100) + "\",\"page\":\"/page/" + tab + "\"}")));
        assertEquals(List.of(), failures);
    }

    @Test
    void sessionClientsOfManyUsersFromOneAddress() throws Exception {
        List<String> failures = notOk(100, n -> {
            String user = "office-user-" + n;
            Response created = service.login(user, false);
            if (created.status() != 200) {
                return List.of(created);
            }
            String token = created.text("session_token");
            List<Response> answers = new ArrayList<>(List.of(created));
            for (int i = 0; i < 10; i++) {
                answers.add(service.get("/api/session/validate", "X-Session-Token", token));
            }
            answers.add(service.post("/api/session/refresh", null, "X-Session-Token", token));
            answers.add(service.get("/api/session/list", "X-Session-Token", token));
            answers.add(service.post("/api/heartbeat", "{\"page\":\"/\"}", "X-Session-Token", token));
            answers.add(service.post("/api/session/logout", null, "X-Session-Token", token));
            return answers;
        });
        assertEquals(List.of(), failures);
    }

    @Test
    void oneUserLoggingInOnEveryDeviceAndValidatingOften() throws Exception {
        List<String> failures = notOk(20, device -> {
            Response created = service.login("busy-user", false);
            List<Response> answers = new ArrayList<>(List.of(created));
            for (int i = 0; i < 50 && created.status() == 200; i++) {
                answers.add(service.get("/api/session/validate", "X-Session-Token", created.text("session_token")));
            }
            return answers;
        });
        assertEquals(List.of(), failures);
    }

    @Test
    void socketClientsSendingTheirHeartbeats() {
        List<RealtimeTestSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                Protocol protocol = i % 2 == 0 ? Protocol.WS : Protocol.SOCKET_IO;
                sockets.add(RealtimeTestSocket.connect(protocol, service.port(), "{\"session_token\":\""
                        + service.token("socket-user-" + i) + "\"}"));
            }
            for (int round = 0; round < 3; round++) {
                for (RealtimeTestSocket socket : sockets) {
                    socket.emit("user:heartbeat", "{\"page\":\"/round/" + round + "\"}");
                }
            }
            for (RealtimeTestSocket socket : sockets) {
                List<String> received = socket.raw().drain(Duration.ofMillis(20));
                assertTrue(received.stream().noneMatch(m -> m.contains("\"error\"") || m.contains("Too many")),
                        received.toString());
            }
        } finally {
            sockets.forEach(RealtimeTestSocket::close);
        }
    }
}
