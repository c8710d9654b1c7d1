package io.sessionpresence.realtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.config.Config;
import io.sessionpresence.Main;
import io.sessionpresence.backend.MemoryBackend;
import io.sessionpresence.config.ConfigLoader;
import io.sessionpresence.json.Json;
import io.sessionpresence.metrics.Channel;
import io.sessionpresence.metrics.ServiceMetrics;
import io.sessionpresence.store.MemoryLimits;
import io.sessionpresence.store.TimeSource;
import io.sessionpresence.testing.LogCapture;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Client events as a {@code /ws} frame or a Socket.IO EVENT delivers them ({@code event} name and
 * JSON {@code data}, any shape) to {@link ConnectedClient#handle} of an anonymous, a session and
 * an admin connection, over the memory store: every event is acknowledged {@code ok:true}, or
 * {@code ok:false} with the message that also went out as an {@code error} event; nothing throws
 * and nothing is logged as SEVERE (the handler's "unexpected error").
 */
class ConnectedClientFuzzTest {
    private static final String[] EVENTS = {"join-room", "user:heartbeat", "user:login", "user:logout",
            "session:terminate", "auth", ""};
    private static final String IP = "127.0.0.1";

    private static Realtime realtime;
    private static MemoryBackend backend;
    private static Main.Services services;
    private static Gateway gateway;
    private static LogCapture logs;
    private static final Client[] clients = new Client[3];

    /** What a connection received: the events the client would see, and whether it was closed. */
    private static final class Recording implements Transport {
        final List<Emission> events = new ArrayList<>();
        volatile boolean closed;

        @Override
        public Channel channel() {
            return Channel.WS;
        }

        @Override
        public synchronized void deliver(Emission emission) {
            events.add(emission);
        }

        @Override
        public void disconnect(Emission farewell, String reason) {
            closed = true;
        }

        @Override
        public void expel(Emission error, String reason) {
            closed = true;
        }

        synchronized Optional<String> lastErrorMessage() {
            for (int i = events.size() - 1; i >= 0; i--) {
                if (events.get(i).eventJson().equals("\"error\"")) {
                    return Optional.of(Json.read(events.get(i).dataJson(), JsonNode.class).path("message").asText());
                }
            }
            return Optional.empty();
        }

        synchronized void clear() {
            events.clear();
        }
    }

    private record Client(ConnectedClient handler, Recording transport) {
    }

    @BeforeAll
    static void start() throws Gateway.Refused {
        // Bounded stores: a long run fills them, and then every write is a 503 answered as an error.
        Config config = ConfigLoader.load(Map.of(), TestService.config(StoreKind.MEMORY, Map.of(
                "store.memory.max-sessions", "1000", "store.memory.max-presence", "10000")));
        ServiceMetrics metrics = ServiceMetrics.global();
        backend = new MemoryBackend(TimeSource.system(), MemoryLimits.from(config));
        realtime = Realtime.create(config, metrics, backend.connectionOwners());
        services = Main.Services.create(config, backend, backend.adminEvents(realtime::deliver), metrics);
        gateway = realtime.gateway(services.sessions(), services.sessionListings(), services.presence(),
                services.terminator(), services.adminAuth(), services.limits());
        logs = LogCapture.of("io.sessionpresence");
        clients[0] = connect(Optional.empty(), Optional.empty());
        clients[2] = connect(Optional.of("test-admin-token"), Optional.empty());
    }

    @AfterAll
    static void stop() {
        logs.close();
        realtime.close();
        backend.close();
    }

    private static Client connect(Optional<String> adminToken, Optional<String> sessionToken) throws Gateway.Refused {
        Recording transport = new Recording();
        ConnectedClient handler = gateway.connect(new Gateway.Credentials(adminToken, sessionToken, IP, "fuzz"), transport);
        return new Client(handler, transport);
    }

    /** The session connection, anew once an event ended its session (a terminate naming it). */
    private static Client sessionClient() throws Gateway.Refused {
        if (clients[1] == null || clients[1].transport().closed) {
            String token = services.sessions().create("fuzz-user", false, "fuzz", IP).token();
            clients[1] = connect(Optional.empty(), Optional.of(token));
        }
        return clients[1];
    }

    @FuzzTest
    void everyEventIsAcknowledged(FuzzedDataProvider data) throws Gateway.Refused {
        int which = data.consumeInt(0, 2);
        Client client = which == 1 ? sessionClient() : clients[which];
        String event = data.consumeBoolean() ? data.pickValue(EVENTS) : data.consumeString(80);
        JsonNode payload;
        try {
            payload = Json.parse(data.consumeRemainingAsString());
        } catch (Json.MalformedJson e) {
            payload = null; // a frame without data
        }
        client.transport().clear();
        Map<String, Object> ack = client.handler().handle(event, payload);

        assertInstanceOf(Boolean.class, ack.get("ok"), ack::toString);
        if (!(Boolean) ack.get("ok")) {
            String message = (String) ack.get("message");
            assertFalse(message.isBlank(), ack::toString);
            if (!client.transport().closed) {
                assertEquals(Optional.of(message), client.transport().lastErrorMessage(), "the error event");
            }
        }
        assertTrue(logs.atLeast(Level.SEVERE).isEmpty(), () -> "logged: " + logs.atLeast(Level.SEVERE).getFirst().getMessage());
        logs.records().clear();
    }
}
