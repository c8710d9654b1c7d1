package io.sessionpresence.session;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionpresence.testing.HttpTestClient.Response;
import io.sessionpresence.testing.PerStoreServiceTest;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The session API over HTTP against the real server, once per store. */
class SessionApiTest extends PerStoreServiceTest {
    @Override
    protected Map<String, String> overrides() {
        return Map.of("session.remember-me-timeout", "86400");
    }

    private Response validate(String token) {
        return service.get("/api/session/validate", "X-Session-Token", token);
    }

    @Test
    void createReturnsTokenAndExpiry() {
        long before = System.currentTimeMillis();
        Response created = service.login("create-user", false);
        assertEquals(200, created.status(), created.body());
        assertEquals("no-store", created.headers().get("cache-control").getFirst(), "tokens are never cached");
        JsonNode json = created.json();
        assertTrue(json.get("success").asBoolean());
        assertTrue(json.get("session_token").asText().startsWith("sps_"));
        assertEquals("sps_" + json.get("session_id").asText() + ".", json.get("session_token").asText().substring(0, 29),
                "prefix, the session id (24), a dot");
        assertEquals(29 + 43, json.get("session_token").asText().length(), "then 32 random bytes base64url");
        assertNotEquals(json.get("session_id").asText(), json.get("session_token").asText());
        assertEquals("create-user", json.get("user_id").asText());
        assertFalse(json.get("remember_me").asBoolean());
        long expiresAt = json.get("expires_at").asLong();
        assertTrue(expiresAt >= before + 3600_000 && expiresAt <= System.currentTimeMillis() + 3600_000, "SESSION_TIMEOUT default 3600 s");
    }

    @Test
    void rememberMeUsesTheLongTimeout() {
        long before = System.currentTimeMillis();
        Response created = service.login("remember-user", true);
        assertTrue(created.json().get("remember_me").asBoolean());
        long expiresAt = created.json().get("expires_at").asLong();
        assertTrue(expiresAt >= before + 86400_000 && expiresAt <= System.currentTimeMillis() + 86400_000);
        Response valid = validate(created.text("session_token"));
        assertEquals(expiresAt, valid.json().get("expires_at").asLong());
    }

    @Test
    void validateAnswersForLiveAndUnknownTokens() {
        Response created = service.login("validate-user", false);
        Response ok = validate(created.text("session_token"));
        assertEquals(200, ok.status());
        assertTrue(ok.json().get("valid").asBoolean());
        assertEquals("validate-user", ok.text("user_id"));
        assertEquals(created.text("session_id"), ok.text("session_id"));

        Response unknown = validate("sps_unknownunknownunknownunknownunknownunknow");
        assertEquals(401, unknown.status());
        assertFalse(unknown.json().get("valid").asBoolean());
        assertFalse(unknown.json().get("success").asBoolean());
        assertFalse(unknown.text("error").isEmpty());

        Response missing = service.get("/api/session/validate");
        assertEquals(401, missing.status());
        assertFalse(missing.json().get("valid").asBoolean());
    }

    @Test
    void refreshNeverShortensAndKeepsTheSession() throws Exception {
        Response created = service.login("refresh-user", false);
        String token = created.text("session_token");
        long first = created.json().get("expires_at").asLong();
        pass(Duration.ofMillis(20));
        Response refreshed = service.post("/api/session/refresh", null, "X-Session-Token", token);
        assertEquals(200, refreshed.status(), refreshed.body());
        long second = refreshed.json().get("expires_at").asLong();
        assertTrue(second > first, "refresh re-arms the full timeout");
        assertEquals(second, validate(token).json().get("expires_at").asLong());

        Response remembered = service.login("refresh-user", true);
        long long1 = remembered.json().get("expires_at").asLong();
        Response again = service.post("/api/session/refresh", null, "X-Session-Token", remembered.text("session_token"));
        assertTrue(again.json().get("expires_at").asLong() >= long1);
    }

    @Test
    void logoutEndsOnlyThatSession() {
        String a = service.token("logout-user");
        String b = service.token("logout-user");
        Response out = service.post("/api/session/logout", null, "X-Session-Token", a);
        assertEquals(200, out.status());
        assertTrue(out.json().get("success").asBoolean());
        assertEquals(401, validate(a).status());
        assertEquals(200, validate(b).status());
        assertEquals(401, service.post("/api/session/logout", null, "X-Session-Token", a).status());
    }

    @Test
    void logoutAllRevokesEverySessionOfThatUserOnly() {
        String a1 = service.token("la-alice");
        String a2 = service.token("la-alice");
        String a3 = service.token("la-alice");
        String bob = service.token("la-bob");
        Response all = service.post("/api/session/logout-all", null, "X-Session-Token", a1);
        assertEquals(200, all.status(), all.body());
        assertEquals(3, all.json().get("revoked").asInt());
        for (String token : List.of(a1, a2, a3)) {
            assertEquals(401, validate(token).status());
        }
        assertEquals(200, validate(bob).status());
        String fresh = service.token("la-alice");
        assertEquals(1, service.get("/api/session/stats", "X-Session-Token", fresh)
                .json().get("stats").get("user_sessions").asInt());
    }

    @Test
    void listShowsOwnSessionsAndRevokeOneWorksOnlyOnOwn() {
        String current = service.token("list-user");
        Response other = service.login("list-user", true);
        String stranger = service.token("list-stranger");

        Response list = service.get("/api/session/list", "X-Session-Token", current);
        assertEquals(200, list.status());
        JsonNode sessions = list.json().get("sessions");
        assertEquals(2, sessions.size());
        int currents = 0;
        for (JsonNode s : sessions) {
            assertTrue(s.has("session_id") && s.has("created") && s.has("last_activity") && s.has("user_agent")
                    && s.has("ip") && s.has("remember_me"));
            assertFalse(s.toString().contains("sps_"), "no token in the list");
            currents += s.get("current").asBoolean() ? 1 : 0;
        }
        assertEquals(1, currents);

        String otherId = other.text("session_id");
        assertEquals(404, service.delete("/api/session/" + otherId, "X-Session-Token", stranger).status(),
                "someone else's session is not found");
        assertEquals(200, validate(other.text("session_token")).status());
        Response revoked = service.delete("/api/session/" + otherId, "X-Session-Token", current);
        assertEquals(200, revoked.status(), revoked.body());
        assertEquals(401, validate(other.text("session_token")).status());
        assertEquals(200, validate(current).status());
        assertEquals(404, service.delete("/api/session/" + otherId, "X-Session-Token", current).status());
    }

    @Test
    void listIsPagedWithCountTheUsersTotal() {
        String current = service.token("paged-user");
        for (int i = 0; i < 4; i++) {
            service.token("paged-user");
        }
        Set<String> seen = new HashSet<>();
        List<Long> expiries = new ArrayList<>();
        String cursor = "0";
        int pages = 0;
        while (cursor != null) {
            Response page = service.get("/api/session/list?limit=2&cursor=" + cursor, "X-Session-Token", current);
            assertEquals(200, page.status(), page.body());
            assertEquals(5, page.json().get("count").asInt(), "count is the user's total, not the page's");
            JsonNode sessions = page.json().get("sessions");
            assertTrue(sessions.size() <= 2 && !sessions.isEmpty());
            sessions.forEach(s -> assertTrue(seen.add(s.get("session_id").asText()), "no session on two pages"));
            sessions.forEach(s -> expiries.add(s.get("expires_at").asLong()));
            JsonNode next = page.json().get("next_cursor");
            cursor = next.isNull() ? null : next.asText();
            pages++;
        }
        assertEquals(3, pages);
        assertEquals(5, seen.size());
        assertEquals(expiries.stream().sorted().toList(), expiries, "soonest expiry first, across pages");
        Response whole = service.get("/api/session/list", "X-Session-Token", current);
        assertEquals(5, whole.json().get("sessions").size(), "the default page (100) holds them all");
        assertTrue(whole.json().get("next_cursor").isNull());
        for (String bad : List.of("limit=0", "limit=1001", "limit=x", "cursor=-1")) {
            Response refused = service.get("/api/session/list?" + bad, "X-Session-Token", current);
            assertEquals(400, refused.status(), bad);
            assertEquals(400, refused.json().get("code").asInt());
        }
    }

    @Test
    void statsCountLiveSessionsAndUsers() {
        String token = service.token("stats-user");
        service.token("stats-user");
        Response stats = service.get("/api/session/stats", "X-Session-Token", token);
        assertEquals(200, stats.status());
        JsonNode s = stats.json().get("stats");
        assertEquals(store.reported(), s.get("store").asText());
        assertEquals(2, s.get("user_sessions").asInt());
        assertTrue(s.get("active_sessions").asInt() >= 2);
        assertTrue(s.get("active_users").asInt() >= 1);
        assertEquals(401, service.get("/api/session/stats").status());
    }

    @Test
    void userCacheBelongsToItsUser() {
        String alice = service.token("cache-alice");
        String bob = service.token("cache-bob");
        assertEquals(404, service.get("/api/cache/user/cache-alice", "X-Session-Token", alice).status());
        Response put = service.post("/api/cache/user/cache-alice", "{\"data\":{\"plan\":\"pro\",\"n\":[1,2]}}",
                "X-Session-Token", alice);
        assertEquals(200, put.status(), put.body());
        Response got = service.get("/api/cache/user/cache-alice", "X-Session-Token", alice);
        assertEquals(200, got.status());
        assertEquals("pro", got.json().get("data").get("plan").asText());
        assertEquals(2, got.json().get("data").get("n").size());

        assertEquals(403, service.get("/api/cache/user/cache-alice", "X-Session-Token", bob).status());
        assertEquals(403, service.post("/api/cache/user/cache-alice", "{\"data\":{}}", "X-Session-Token", bob).status());
        assertEquals(401, service.get("/api/cache/user/cache-alice").status());
        assertEquals(400, service.post("/api/cache/user/cache-alice", "{\"data\":5}", "X-Session-Token", alice).status());

        // The user id is the path's segment decoded exactly: a%2Fb is a/b, and + is not a space.
        for (String user : new String[]{"cache/a/b", "cache+c d"}) {
            String token = service.token(user);
            String path = "/api/cache/user/" + java.net.URLEncoder.encode(user, StandardCharsets.UTF_8).replace("+", "%20")
                    .replace("%2B", "+");
            assertEquals(200, service.post(path, "{\"data\":{\"a\":1}}", "X-Session-Token", token).status(), path);
            Response own = service.get(path, "X-Session-Token", token);
            assertEquals(user, own.json().get("user_id").asText(), path);
        }

        // Numbers come back as sent: read as doubles, 1e-400 was 0.0 and 1.000000000000000000001 was 1.0.
        assertEquals(200, service.post("/api/cache/user/cache-alice", "{\"data\":{\"tiny\":1e-400,"
                + "\"long\":1.000000000000000000001,\"price\":1.50}}", "X-Session-Token", alice).status());
        String exact = service.get("/api/cache/user/cache-alice", "X-Session-Token", alice).body();
        assertTrue(exact.contains("\"data\":{\"tiny\":1E-400,\"long\":1.000000000000000000001,\"price\":1.50}"), exact);
    }

    @Test
    void concurrentCreateValidateLogoutLosesAndLeaksNothing() throws Exception {
        int threads = 64;
        int perThread = 5;
        Set<String> tokens = ConcurrentHashMap.newKeySet();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String user = "conc-" + (t % 8);
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        Response created = service.login(user, false);
                        String token = created.text("session_token");
                        if (created.status() != 200 || !tokens.add(token)) {
                            failures.add("create " + created);
                        }
                        Response valid = validate(token);
                        if (valid.status() != 200 || !user.equals(valid.text("user_id"))) {
                            failures.add("validate " + valid);
                        }
                        if (i % 2 == 0) {
                            Response out = service.post("/api/session/logout", null, "X-Session-Token", token);
                            if (out.status() != 200 || validate(token).status() != 401) {
                                failures.add("logout " + out);
                            }
                            tokens.remove(token);
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        assertEquals(List.of(), failures);
        Set<String> ids = new HashSet<>();
        for (String token : tokens) {
            Response valid = validate(token);
            assertEquals(200, valid.status(), "a kept session must still validate");
            ids.add(valid.text("session_id"));
        }
        assertEquals(tokens.size(), ids.size(), "distinct session ids");
        int listed = 0;
        for (int u = 0; u < 8; u++) {
            String probe = service.token("conc-" + u);
            listed += service.get("/api/session/list", "X-Session-Token", probe).json().get("count").asInt() - 1;
            service.post("/api/session/logout", null, "X-Session-Token", probe);
        }
        assertEquals(tokens.size(), listed, "every kept session is indexed, none leaked in the index");
    }
}
