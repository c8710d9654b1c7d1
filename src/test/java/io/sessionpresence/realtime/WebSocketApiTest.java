package io.sessionpresence.realtime;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionpresence.json.Json;
import io.sessionpresence.testing.PerStoreServiceTest;
import io.sessionpresence.testing.TestService;
import io.sessionpresence.testing.WsTestClient;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plain WebSocket API on {@code /ws}, with the JDK client against the real server, once per store. */
class WebSocketApiTest extends PerStoreServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String ADMIN = "/ws?token=test-admin-token";


    @Override
    protected Map<String, String> overrides() {
        return Map.of("admin.users", "boss");
    }

    private WsTestClient admin() {
        WsTestClient admin = WsTestClient.connect(service.port(), ADMIN);
        admin.send("{\"event\":\"join-room\",\"data\":{\"room\":\"admin\"}}");
        assertEquals("admin", admin.nextEvent("joined_room", WAIT).path("data").path("room").asText());
        admin.nextEvent("admin:snapshot", WAIT);
        return admin;
    }

    /** The next presence update for {@code user}, skipping other users' events. */
    private static JsonNode presenceOf(WsTestClient admin, String user) {
        return admin.nextJson(m -> m.contains("admin:presence:update") && m.contains("\"user\":\"" + user + "\""),
                WAIT).path("data");
    }

    @Test
    void adminSnapshotOnJoinThenEventsFromHttpAndSockets() {
        service.post("/api/heartbeat", "{\"user\":\"before-join\",\"page\":\"/a\"}", "Content-Type", "application/json");
        try (WsTestClient admin = WsTestClient.connect(service.port(), ADMIN);
             WsTestClient user = WsTestClient.connect(service.port(), "/ws", "User-Agent", "ws-test-agent")) {
            admin.send("{\"event\":\"join-room\",\"data\":{\"room\":\"admin\"}}");
            admin.nextEvent("joined_room", WAIT);
            JsonNode snapshot = admin.nextEvent("admin:snapshot", WAIT).path("data");
            assertTrue(snapshot.path("presence").path("items").toString().contains("before-join"), snapshot.toString());
            assertTrue(snapshot.path("presence").path("count").asLong() >= 1);
            assertTrue(snapshot.path("sessions").has("items") && snapshot.path("sessions").has("count"));

            service.post("/api/heartbeat", "{\"user\":\"http-user\",\"page\":\"/p\"}", "Content-Type", "application/json");
            JsonNode http = presenceOf(admin, "http-user");
            assertEquals("user_activity", http.path("type").asText());
            assertEquals("/p", http.path("page").asText());
            assertTrue(http.path("lastSeen").asLong() > 0);

            user.send("{\"event\":\"user:login\",\"data\":{\"user\":\"socket-user\"}}");
            assertEquals("user_login", presenceOf(admin, "socket-user").path("type").asText());
            user.send("{\"event\":\"user:heartbeat\",\"data\":{\"user\":\"socket-user\",\"page\":\"/q\"}}");
            JsonNode beat = presenceOf(admin, "socket-user");
            assertEquals("user_activity", beat.path("type").asText());
            assertEquals("/q", beat.path("page").asText());
            assertEquals("ws-test-agent", beat.path("ua").asText());
            assertEquals("127.0.0.1", beat.path("ip").asText());
            assertEquals(false, beat.path("verified").asBoolean());
            user.send("{\"event\":\"user:logout\",\"data\":{\"user\":\"socket-user\"}}");
            assertEquals("user_logout", presenceOf(admin, "socket-user").path("type").asText());

            String sessionId = service.login("ws-session-user", false).text("session_id");
            JsonNode created = admin.nextJson(m -> m.contains(sessionId), WAIT);
            assertEquals("admin:sessions:update", created.path("event").asText());
            assertEquals("session_created", created.path("data").path("type").asText());
        }
    }

    @Test
    void sessionTokenNamesTheUserAndWinsOverTheBody() {
        String query = service.token("alice-ws");
        String header = service.token("carol-ws");
        try (WsTestClient admin = admin();
             WsTestClient byQuery = WsTestClient.connect(service.port(), "/ws?session=" + query);
             WsTestClient byHeader = WsTestClient.connect(service.port(), "/ws", "X-Session-Token", header)) {
            byQuery.send("{\"event\":\"user:heartbeat\",\"data\":{\"user\":\"mallory\",\"page\":\"/x\"}}");
            JsonNode alice = presenceOf(admin, "alice-ws");
            assertTrue(alice.path("verified").asBoolean());
            byHeader.send("{\"event\":\"user:heartbeat\",\"data\":{\"page\":\"/y\"}}");
            assertTrue(presenceOf(admin, "carol-ws").path("verified").asBoolean());
            assertTrue(admin.drain(Duration.ofMillis(300)).stream().noneMatch(m -> m.contains("mallory")));
        }
    }

    @Test
    void nonAdminCannotJoinAndGetsNoAdminEvents() {
        try (WsTestClient plain = WsTestClient.connect(service.port(), "/ws")) {
            plain.send("{\"event\":\"join-room\",\"data\":{\"room\":\"admin\"}}");
            assertTrue(plain.nextEvent("error", WAIT).path("data").path("message").asText().contains("Admin credential"));
            plain.send("{\"event\":\"join-room\"}");
            plain.nextEvent("error", WAIT);
            service.post("/api/heartbeat", "{\"user\":\"unseen\",\"page\":\"/p\"}", "Content-Type", "application/json");
            service.login("unseen-session", false);
            List<String> received = plain.drain(Duration.ofMillis(500));
            assertTrue(received.isEmpty(), received.toString());
        }
    }

    @Test
    void sessionOfAnAdminUserMayJoin() {
        try (WsTestClient boss = WsTestClient.connect(service.port(), "/ws?session=" + service.token("boss"))) {
            boss.send("{\"event\":\"join-room\",\"data\":{\"room\":\"admin\"}}");
            boss.nextEvent("joined_room", WAIT);
            boss.nextEvent("admin:snapshot", WAIT);
        }
    }

    @Test
    void malformedFramesGetAnErrorAndTheConnectionStaysOpen() {
        try (WsTestClient client = WsTestClient.connect(service.port(), ADMIN)) {
            for (String bad : List.of("not json", "[1,2]", "{\"data\":{}}", "{\"event\":\"no-such-event\"}",
                    "{\"event\":\"user:heartbeat\",\"data\":\"text\"}", "{\"event\":\"user:heartbeat\",\"data\":{\"page\":7}}",
                    "{\"event\":\"join-room\",\"data\":{\"room\":\"lobby\"}}")) {
                client.send(bad);
                JsonNode error = client.nextEvent("error", WAIT);
                assertTrue(!error.path("data").path("message").asText().isBlank(), bad);
            }
            client.send("{\"event\":\"join-room\",\"data\":{\"room\":\"admin\"}}");
            client.nextEvent("joined_room", WAIT);
            assertTrue(!client.closed().isDone());
        }
    }

    @Test
    void badCredentialsAreRefusedWithAnErrorAndAPolicyClose() throws Exception {
        try (WsTestClient wrongToken = WsTestClient.connect(service.port(), "/ws?token=wrong");
             WsTestClient staleSession = WsTestClient.connect(service.port(), "/ws?session=sps_no-such-session")) {
            assertEquals("Invalid admin token", wrongToken.nextEvent("error", WAIT).path("data").path("message").asText());
            assertEquals(1008, wrongToken.closed().get(5, java.util.concurrent.TimeUnit.SECONDS));
            assertTrue(staleSession.nextEvent("error", WAIT).path("data").path("message").asText().contains("session"));
            assertEquals(1008, staleSession.closed().get(5, java.util.concurrent.TimeUnit.SECONDS));
        }
    }

    @Test
    void sessionTerminateIsForAdminsOnly() {
        String sessionId = service.login("victim", false).text("session_id");
        try (WsTestClient admin = admin(); WsTestClient plain = WsTestClient.connect(service.port(), "/ws")) {
            String terminate = "{\"event\":\"session:terminate\",\"data\":{\"sid\":\"" + sessionId + "\",\"user\":\"victim\"}}";
            plain.send(terminate);
            assertTrue(plain.nextEvent("error", WAIT).path("data").path("message").asText().contains("Admin credential"));
            admin.send(terminate);
            JsonNode ended = admin.nextJson(m -> m.contains("session_terminated"), WAIT);
            assertEquals(sessionId, ended.path("data").path("session_id").asText());
            admin.send(terminate);
            assertTrue(admin.nextEvent("error", WAIT).path("data").path("message").asText().contains("No live session"));
        }
    }

    /** Tracked-only sids the seed's clients may use; each must be found and ended exactly. */
    private static final List<String> TRACKED_SIDS = List.of(" ws sid ", "ünï-😀", "a|b", "cr\r\nlf", "a/b+c;d");

    private void track(String sid, String user) {
        TestService.Response ok = service.post("/api/session/update", Json.writeString(Map.of("sid", sid, "user", user)));
        assertEquals(200, ok.status(), ok.body());
    }

    private boolean tracked(String sid) {
        for (JsonNode item : service.get("/admin/sessions/redis?limit=1000", "Authorization", "Bearer test-admin-token")
                .json().get("items")) {
            if (item.get("sid").asText().equals(sid)) {
                return true;
            }
        }
        return false;
    }

    /** The next {@code session_terminated} event for exactly {@code sid}. */
    private static JsonNode terminatedEvent(WsTestClient admin, String sid) {
        return admin.nextJson(m -> m.contains("session_terminated")
                && sid.equals(Json.read(m, JsonNode.class).path("data").path("sid").asText()), WAIT).path("data");
    }

    /** Percent-encodes every byte but RFC 3986's unreserved characters (a space is %20, never +). */
    private static String pathEncode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0)) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    @Test
    void seedTerminateOfTrackedOnlyActivityOverTheSocket() {
        try (WsTestClient admin = admin()) {
            for (String sid : TRACKED_SIDS) {
                track(sid, "tracked-ws");
                assertTrue(tracked(sid), sid);
                admin.send(Json.writeString(Map.of("event", "session:terminate",
                        "data", Map.of("sid", sid, "user", "what-the-client-says"))));
                JsonNode ended = terminatedEvent(admin, sid);
                assertEquals("session_terminated", ended.path("type").asText());
                assertEquals(sid, ended.path("session_id").asText());
                assertEquals("tracked-ws", ended.path("user").asText(), "the tracked entry's user");
                assertEquals(false, tracked(sid), "removed: " + sid);

                admin.send(Json.writeString(Map.of("event", "session:terminate", "data", Map.of("sid", sid))));
                assertEquals("No live session or tracked session activity with that id",
                        admin.nextEvent("error", WAIT).path("data").path("message").asText());
            }
            admin.send("{\"event\":\"session:terminate\",\"data\":{\"sid\":\"\"}}");
            assertEquals("Session ID required", admin.nextEvent("error", WAIT).path("data").path("message").asText());
        }
    }

    @Test
    void httpTerminateEndsTrackedActivityAndLiveSessionsWithOneEventEach() {
        String admin = "Bearer test-admin-token";
        try (WsTestClient watcher = admin()) {
            for (String sid : TRACKED_SIDS) {
                track(sid, "tracked-http");
                TestService.Response res = service.delete("/admin/sessions/" + pathEncode(sid), "Authorization", admin);
                assertEquals(200, res.status(), res.body());
                assertEquals(Json.read(Json.writeString(Map.of("status", "success", "session_id", sid,
                        "user", "tracked-http", "terminated", true, "live_session", false, "tracked_activity", true)),
                        JsonNode.class), res.json());
                JsonNode ended = terminatedEvent(watcher, sid);
                assertEquals("tracked-http", ended.path("user").asText());
                assertEquals(false, tracked(sid));
                TestService.Response again = service.delete("/admin/sessions/" + pathEncode(sid), "Authorization", admin);
                assertEquals(404, again.status());
                assertEquals("No live session or tracked session activity with that id", again.text("message"));
            }

            // A live session that also has tracked activity (posted under its id) ends both, announced once.
            TestService.Response login = service.login("live-and-tracked", false);
            String sessionId = login.text("session_id");
            track(sessionId, "someone-who-posted");
            TestService.Response both = service.delete("/admin/sessions/" + sessionId, "Authorization", admin);
            assertEquals(200, both.status(), both.body());
            assertEquals("live-and-tracked", both.json().path("user").asText());
            assertTrue(both.json().path("live_session").asBoolean() && both.json().path("tracked_activity").asBoolean());
            assertEquals(401, service.get("/api/session/validate", "X-Session-Token", login.text("session_token")).status());
            assertEquals(false, tracked(sessionId));
            assertEquals("live-and-tracked", terminatedEvent(watcher, sessionId).path("user").asText());
            List<String> more = watcher.drain(Duration.ofMillis(300));
            assertTrue(more.stream().noneMatch(m -> m.contains("session_terminated") && m.contains(sessionId)),
                    "announced once: " + more);

            TestService.Response notUtf8 = service.delete("/admin/sessions/%C3", "Authorization", admin);
            assertEquals(400, notUtf8.status());
            assertEquals("The session id in the path is not percent-encoded UTF-8", notUtf8.text("message"));
        }
    }

    @Test
    void framesWithAnythingAfterTheirJsonAreRefused() {
        try (WsTestClient admin = admin(); WsTestClient client = WsTestClient.connect(service.port(), "/ws")) {
            String frame = "{\"event\":\"user:heartbeat\",\"data\":{\"user\":\"ws-trailing\"}}";
            for (String garbage : List.of(" x", "{}", "]", "\n" + frame)) {
                client.send(frame + garbage);
                assertEquals("Malformed frame (content after the JSON value): expected {\"event\": name, \"data\": {...}}",
                        client.nextEvent("error", WAIT).path("data").path("message").asText(), garbage);
            }
            client.send("{\"event\":\"user:heartbeat\",\"data\":{\"user\":\"ws-trailing\",\"user\":\"ws-dup\"}}");
            assertTrue(client.nextEvent("error", WAIT).path("data").path("message").asText()
                    .startsWith("Malformed frame (a field appears twice in one object)"));
            assertTrue(admin.drain(Duration.ofMillis(300)).stream().noneMatch(m -> m.contains("ws-trailing") || m.contains("ws-dup")),
                    "nothing was recorded");
            client.send(frame);
            assertEquals("ws-trailing", presenceOf(admin, "ws-trailing").path("user").asText());
        }
    }
}
