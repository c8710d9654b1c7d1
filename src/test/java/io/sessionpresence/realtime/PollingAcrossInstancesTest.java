package io.sessionpresence.realtime;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.sessionpresence.json.Json;
import io.sessionpresence.testing.HttpTestClient.Response;
import io.sessionpresence.testing.NodeProject;
import io.sessionpresence.testing.RawWebSocket;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestRedis;
import io.sessionpresence.testing.TestService;
import io.sessionpresence.testing.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Socket.IO long-polling with no load-balancer affinity: two instances on one Redis, each
 * advertising its own address, and every request of a polling session sent to either one in
 * turn. The instance that does not hold the session forwards the request to the one that does
 * (its address read from Redis) and relays the answer. Also: what forwarding refuses to do, the
 * owner record's life in Redis, WebSocket-only clients on either instance, the memory store
 * (where the setting changes nothing), and the stock socket.io-client through a round-robin
 * proxy. Prints the added latency of a forwarded request (target/forwarded-poll-latency.txt).
 */
class PollingAcrossInstancesTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String POLLING = "/socket.io/?EIO=4&transport=polling";
    private static final String WEBSOCKET = "/socket.io/?EIO=4&transport=websocket";
    private static final char SEPARATOR = '\u001e';
    private static final long PING_INTERVAL_MS = 1000;
    private static final long PING_TIMEOUT_MS = 1000;

    static Map<String, String> shared;
    static TestService a;
    static TestService b;

    @BeforeAll
    static void start() throws IOException {
        shared = new HashMap<>(StoreKind.REDIS.config());
        shared.put("realtime.ping-interval-ms", String.valueOf(PING_INTERVAL_MS));
        shared.put("realtime.ping-timeout-ms", String.valueOf(PING_TIMEOUT_MS));
        a = advertising(shared);
        b = advertising(shared);
    }

    /** An instance on a port chosen here, so that its advertised address can name it. */
    private static TestService advertising(Map<String, String> config) throws IOException {
        int port = TestRedis.freePort();
        Map<String, String> own = new HashMap<>(config);
        own.put("server.port", String.valueOf(port));
        own.put("realtime.advertise-url", "http://127.0.0.1:" + port);
        return TestService.start(StoreKind.REDIS, own);
    }

    @AfterAll
    static void stop() {
        a.close();
        b.close();
    }

    private static String ownerKey(String sid) {
        return shared.get("redis.key-prefix") + "eio-owner:" + sid;
    }

    private static String redis(String... command) {
        return TestRedis.shared().command(command);
    }

    /**
     * A raw Engine.IO long-polling client that sends each request to the next of its instances in
     * turn, answering the server's pings (on the next instance too).
     */
    private static final class Polling {
        final String sid;
        private final List<TestService> instances;
        private int next;
        final List<String> received = new ArrayList<>();
        /** Indexes in {@link #received} of the packets an {@link #await} returned. */
        private final Set<Integer> taken = new HashSet<>();

        private Polling(String sid, List<TestService> instances) {
            this.sid = sid;
            this.instances = instances;
        }

        /** The handshake on {@code first}; every later request goes to the next of {@code rest} and {@code first} in turn. */
        static Polling open(TestService first, TestService... rest) {
            Response open = first.get(POLLING);
            assertEquals(200, open.status(), open.body());
            assertTrue(open.body().startsWith("0"), open.body());
            JsonNode handshake = Json.read(open.body().substring(1), JsonNode.class);
            List<TestService> order = new ArrayList<>(Arrays.asList(rest));
            order.add(first);
            return new Polling(handshake.path("sid").asText(), order);
        }

        String path() {
            return POLLING + "&sid=" + sid;
        }

        TestService nextInstance() {
            return instances.get(next++ % instances.size());
        }

        void post(String... packets) {
            Response response = nextInstance().post(path(), String.join(String.valueOf(SEPARATOR), packets),
                    "Content-Type", "text/plain;charset=UTF-8");
            assertEquals(200, response.status(), response.body());
            assertEquals("ok", response.body());
        }

        /** One GET on the next instance; answers a ping in it with a pong. */
        List<String> poll() {
            Response response = nextInstance().get(path());
            assertEquals(200, response.status(), response.body());
            List<String> packets = List.of(response.body().split(String.valueOf(SEPARATOR)));
            received.addAll(packets);
            if (packets.contains("2")) {
                post("3");
            }
            return packets;
        }

        /**
         * The first packet received that matches and no earlier await took, polling (alternating)
         * until one comes. Packets an await passes over stay for later ones: an acknowledgement
         * and the broadcast its event caused may arrive in either order.
         */
        String await(Predicate<String> wanted) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                for (int i = 0; i < received.size(); i++) {
                    if (!taken.contains(i) && wanted.test(received.get(i))) {
                        taken.add(i);
                        return received.get(i);
                    }
                }
                // Checked after the scan: the packets of the poll that ended past the deadline count too.
                if (System.nanoTime() >= deadline) {
                    return fail("no matching packet within " + WAIT + "; received " + received);
                }
                poll();
            }
        }
    }

    @Test
    void everyRequestOfAPollingSessionMayReachEitherInstance() {
        Polling client = Polling.open(a, b);
        assertEquals("http://127.0.0.1:" + a.port(), redis("GET", ownerKey(client.sid)), "A records itself as the owner");

        client.post("40{\"token\":\"test-admin-token\"}");                       // CONNECT, to B
        client.await(p -> p.startsWith("40{\"sid\":"));
        client.post("42[\"join-room\",{\"room\":\"admin\"}]");
        client.await(p -> p.startsWith("42[\"admin:snapshot\""));
        client.post("421[\"user:heartbeat\",{\"user\":\"alternating\",\"page\":\"/p\"}]");
        String ack = client.await(p -> p.startsWith("431"));
        assertTrue(ack.contains("\"ok\":true") && ack.contains("\"user\":\"alternating\""), ack);
        client.await(p -> p.startsWith("42[\"admin:presence:update\"") && p.contains("\"user\":\"alternating\""));

        // Admin events from elsewhere reach the session whichever instance the polls go to.
        assertEquals(200, b.post("/api/heartbeat", "{\"user\":\"posted-to-b\",\"page\":\"/b\"}",
                "Content-Type", "application/json").status());
        client.await(p -> p.contains("\"user\":\"posted-to-b\""));
        String sessionId = a.login("created-on-a", false).text("session_id");
        client.await(p -> p.contains("\"type\":\"session_created\"") && p.contains(sessionId));

        // Past two record lifetimes (interval + 2 x timeout each): the pings keep the record alive.
        long until = System.nanoTime() + Duration.ofMillis(2 * (PING_INTERVAL_MS + 2 * PING_TIMEOUT_MS)).toNanos();
        while (System.nanoTime() < until) {
            client.poll();
        }
        client.post("42[\"user:heartbeat\",{\"user\":\"still-here\",\"page\":\"/p\"}]");
        client.await(p -> p.contains("\"user\":\"still-here\""));
    }

    @Test
    void aWebSocketUpgradeOnTheOtherInstanceIsRefusedAndPollingGoesOn() throws Exception {
        Polling client = Polling.open(a, b);
        client.post("40");
        client.await(p -> p.startsWith("40{\"sid\":"));
        IOException refused = assertThrows(IOException.class,
                () -> RawWebSocket.open(b.port(), WEBSOCKET + "&sid=" + client.sid).close());
        assertTrue(refused.getMessage().contains(" 400 "), refused.getMessage());
        client.post("421[\"user:heartbeat\",{\"user\":\"refused-upgrade\",\"page\":\"/p\"}]");
        client.await(p -> p.startsWith("431[{\"ok\":true"));

        // On the owner the upgrade works; polling is then over on both instances.
        try (WsTestClient ws = WsTestClient.connect(a.port(), WEBSOCKET + "&sid=" + client.sid)) {
            ws.send("2probe");
            assertEquals("3probe", ws.next(WAIT));
            ws.send("5");
            ws.send("422[\"user:heartbeat\",{\"user\":\"upgraded\",\"page\":\"/p\"}]");
            assertTrue(ws.next(m -> m.startsWith("432"), WAIT).contains("\"ok\":true"));
            Response afterUpgrade = b.get(client.path());
            assertEquals(400, afterUpgrade.status(), "forwarded to the owner, which says the transport was upgraded");
            assertTrue(afterUpgrade.body().contains("Transport upgraded"), afterUpgrade.body());
        }
    }

    @Test
    void websocketOnlyClientsWorkOnEitherInstanceAndRecordNothing() {
        for (TestService instance : List.of(a, b)) {
            try (WsTestClient ws = WsTestClient.connect(instance.port(), WEBSOCKET)) {
                String open = ws.next(WAIT);
                String sid = Json.read(open.substring(1), JsonNode.class).path("sid").asText();
                ws.send("40");
                assertTrue(ws.next(m -> m.startsWith("40"), WAIT).startsWith("40{\"sid\":"));
                ws.send("421[\"user:heartbeat\",{\"user\":\"ws-only\",\"page\":\"/p\"}]");
                assertTrue(ws.next(m -> m.startsWith("431"), WAIT).contains("\"ok\":true"));
                assertEquals("0", redis("EXISTS", ownerKey(sid)), "a WebSocket-only session is never polled");
            }
        }
    }

    @Test
    void theOwnerRecordExpiresWithItsTtlAndGoesWhenTheSessionCloses() throws InterruptedException {
        Polling client = Polling.open(a, b);
        long ttl = Long.parseLong(redis("PTTL", ownerKey(client.sid)));
        assertTrue(ttl > 0 && ttl <= PING_INTERVAL_MS + 2 * PING_TIMEOUT_MS, "TTL " + ttl);
        client.post("1");                                                       // the client closes (via B)
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!redis("EXISTS", ownerKey(client.sid)).equals("0") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals("0", redis("EXISTS", ownerKey(client.sid)), "deleted once the id is unknown to its owner");
    }

    @Test
    void aForwardedRequestIsNeverForwardedAgain() {
        Polling client = Polling.open(a, b);
        Response marked = b.get(client.path(), "X-Engine-IO-Forwarded", "1");
        assertEquals(400, marked.status(), "B answers it itself");
        assertEquals(1, marked.json().path("code").asInt(), marked.body());
        assertEquals(200, b.post(client.path(), "6", "Content-Type", "text/plain").status(), "unmarked, it is forwarded");
    }

    @Test
    void onlyAddressesFromOwnRecordsAreCalledAndOnlyOnTheEngineIoPath() throws IOException {
        List<String> calls = new CopyOnWriteArrayList<>();
        HttpServer elsewhere = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        elsewhere.createContext("/", exchange -> {
            calls.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " forwarded="
                    + exchange.getRequestHeaders().getFirst("X-Engine-IO-Forwarded"));
            byte[] body = "6".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=UTF-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        elsewhere.start();
        String address = "http://127.0.0.1:" + elsewhere.getAddress().getPort();
        try {
            // No record: whatever the request names, nothing is called.
            String unrecorded = "AAAAAAAAAAAAAAAAAAAA";
            Response none = b.get(POLLING + "&sid=" + unrecorded + "&owner=" + address, "X-Forwarded-Host",
                    address.substring(7), "Forwarded", "host=" + address.substring(7), "Referer", address);
            assertEquals(400, none.status());
            // Records that are not a bare http(s) address, or that name the instance itself: not called.
            List<String> refused = List.of(address + "/elsewhere", address + "?x=1", "http://user@" + address.substring(7),
                    "file:///etc/passwd", "gopher://127.0.0.1:" + elsewhere.getAddress().getPort(),
                    "http://127.0.0.1:" + b.port());
            for (int i = 0; i < refused.size(); i++) {
                String sid = "BBBBBBBBBBBBBBBBBBB" + i;
                redis("SET", ownerKey(sid), refused.get(i), "PX", "60000");
                assertEquals(400, b.get(POLLING + "&sid=" + sid).status(), refused.get(i));
            }
            assertEquals(List.of(), calls);

            // A record naming an address: that address, on the Engine.IO path with a rebuilt query, and marked.
            String recorded = "CCCCCCCCCCCCCCCCCCCC";
            redis("SET", ownerKey(recorded), address, "PX", "60000");
            Response relayed = b.get(POLLING + "&sid=" + recorded + "&t=abc&extra=../../admin");
            assertEquals(200, relayed.status());
            assertEquals("6", relayed.body(), "the owner's answer, relayed");
            assertEquals(List.of("GET /socket.io/?EIO=4&transport=polling&sid=" + recorded + " forwarded=1"), calls);
        } finally {
            elsewhere.stop(0);
        }
    }

    /** On the memory store, one instance by definition, the setting changes nothing: polling works as without it. */
    @Test
    void onTheMemoryStoreTheAddressChangesNothing() throws IOException {
        int port = TestRedis.freePort();
        try (TestService alone = TestService.start(StoreKind.MEMORY, Map.of("server.port", String.valueOf(port),
                "realtime.advertise-url", "http://127.0.0.1:" + port))) {
            Polling client = Polling.open(alone);
            client.post("40");
            client.await(p -> p.startsWith("40{\"sid\":"));
            assertEquals(400, alone.get(POLLING + "&sid=AAAAAAAAAAAAAAAAAAAA").status());
        }
    }

    /**
     * The added latency of a forwarded request: the same post (a noop packet) to the owner and to
     * the other instance, alternately, 500 of each after 100 of warm-up. Each session serves 50
     * rounds, well within its first ping interval, so no ping needs answering meanwhile.
     */
    @Test
    void forwardedLatency() throws IOException {
        int warmUp = 100;
        int rounds = 500;
        long[] local = new long[rounds];
        long[] forwarded = new long[rounds];
        Polling client = null;
        for (int i = -warmUp; i < rounds; i++) {
            if ((i + warmUp) % 50 == 0) {
                client = Polling.open(a);
            }
            long started = System.nanoTime();
            Response here = a.post(client.path(), "6", "Content-Type", "text/plain");
            long between = System.nanoTime();
            Response there = b.post(client.path(), "6", "Content-Type", "text/plain");
            long ended = System.nanoTime();
            assertEquals(200, here.status(), here.body());
            assertEquals(200, there.status(), there.body());
            if (i >= 0) {
                local[i] = between - started;
                forwarded[i] = ended - between;
            }
        }
        Arrays.sort(local);
        Arrays.sort(forwarded);
        String summary = "Long-polling POST of a noop packet, " + rounds + " each after warm-up, µs: local p50 "
                + micros(local, 50) + " p90 " + micros(local, 90) + " p99 " + micros(local, 99) + "; forwarded p50 "
                + micros(forwarded, 50) + " p90 " + micros(forwarded, 90) + " p99 " + micros(forwarded, 99)
                + " (forwarded = one Redis GET + one HTTP request to the owner)";
        System.out.println(summary);
        Files.writeString(Path.of("target", "forwarded-poll-latency.txt"), summary + "\n");
    }

    private static long micros(long[] sorted, int percentile) {
        return sorted[Math.min(sorted.length - 1, sorted.length * percentile / 100)] / 1000;
    }

    /** The stock socket.io-client through a proxy that sends each request to A and B in turn. */
    @Test
    void socketIoClientThroughARoundRobinProxy() throws Exception {
        NodeProject node = new NodeProject(Path.of("src", "test", "node"), "socket.io-client", 120);
        node.installIfMissing();
        node.test(Path.of("target", "node-tests-round-robin.log").toAbsolutePath(),
                Map.of("BASE_URL_A", "http://127.0.0.1:" + a.port(), "BASE_URL_B", "http://127.0.0.1:" + b.port(),
                        "ADMIN_TOKEN", "test-admin-token"),
                "round-robin.test.mjs");
    }
}
