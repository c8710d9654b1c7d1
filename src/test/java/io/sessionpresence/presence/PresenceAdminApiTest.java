package io.sessionpresence.presence;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionpresence.json.Json;
import io.sessionpresence.session.Tokens;
import io.sessionpresence.testing.HttpTestClient.Response;
import io.sessionpresence.testing.PerStoreServiceTest;
import io.sessionpresence.testing.StoreKind;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Heartbeats, session activity and the admin API over HTTP, once per store. */
class PresenceAdminApiTest extends PerStoreServiceTest {
    static final String ADMIN = "Bearer test-admin-token";


    @Override
    protected Map<String, String> overrides() {
        return Map.of("presence.tracked-paths", "/api/cache");
    }

    Response heartbeat(String body, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Content-Type";
        all[1] = "application/json";
        System.arraycopy(headers, 0, all, 2, headers.length);
        return service.post("/api/heartbeat", body, all);
    }

    Response admin(String path) {
        return service.get(path, "Authorization", ADMIN);
    }

    JsonNode findPresence(String user, String query) {
        for (JsonNode item : admin("/admin/presence?limit=1000" + query).json().get("items")) {
            if (item.get("user").asText().equals(user)) {
                return item;
            }
        }
        return null;
    }

    @Test
    void anonymousHeartbeatIsRecordedUnverified() {
        Response res = heartbeat("{\"user\":\"anon-1\",\"page\":\"/dashboard\"}", "User-Agent", "UA-test");
        assertEquals(200, res.status(), res.body());
        assertEquals("success", res.text("status"));
        JsonNode entry = findPresence("anon-1", "");
        assertNotNull(entry);
        assertEquals("/dashboard", entry.get("page").asText());
        assertEquals("127.0.0.1", entry.get("ip").asText());
        assertEquals("UA-test", entry.get("ua").asText());
        assertFalse(entry.get("verified").asBoolean());
        assertTrue(entry.get("lastSeen").asLong() > System.currentTimeMillis() - 10_000);
    }

    @Test
    void sessionNamesTheUserAndWinsOverTheBody() {
        String token = service.token("hb-real");
        Response res = heartbeat("{\"user\":\"someone-else\",\"page\":\"/x\"}", "X-Session-Token", token);
        assertEquals(200, res.status(), res.body());
        JsonNode entry = findPresence("hb-real", "");
        assertNotNull(entry);
        assertTrue(entry.get("verified").asBoolean());
        assertEquals(null, findPresence("someone-else", ""));

        Response noBody = service.post("/api/heartbeat", null, "X-Session-Token", token);
        assertEquals(200, noBody.status(), "a session needs no body");
        Response stale = heartbeat("{\"user\":\"x\"}", "X-Session-Token", "sps_stale");
        assertEquals(401, stale.status());
    }

    @Test
    void goodbyeRemovesPresenceAtOnceEvenAsATextPlainBeacon() {
        heartbeat("{\"user\":\"leaver\",\"page\":\"/a\"}");
        assertNotNull(findPresence("leaver", ""));
        // navigator.sendBeacon sends a string body as text/plain and cannot set headers.
        Response bye = service.post("/api/heartbeat", "{\"user\":\"leaver\",\"page\":\"/a\",\"leaving\":true}",
                "Content-Type", "text/plain;charset=UTF-8");
        assertEquals(200, bye.status(), bye.body());
        assertEquals("success", bye.text("status"));
        assertEquals(null, findPresence("leaver", ""));
        assertEquals(400, heartbeat("{\"user\":\"leaver\",\"leaving\":\"yes\"}").status());
    }

    @Test
    void goodbyeMayCarryItsSessionTokenInTheBody() {
        String token = service.token("beacon-user");
        heartbeat("{\"page\":\"/b\"}", "X-Session-Token", token);
        assertTrue(findPresence("beacon-user", "").get("verified").asBoolean());
        Response stale = service.post("/api/heartbeat", "{\"session_token\":\"sps_stale\",\"leaving\":true}",
                "Content-Type", "text/plain");
        assertEquals(401, stale.status(), "a token that is sent must be valid, wherever it is");
        Response bye = service.post("/api/heartbeat", "{\"session_token\":\"" + token + "\",\"leaving\":true}",
                "Content-Type", "text/plain");
        assertEquals(200, bye.status(), bye.body());
        assertEquals(null, findPresence("beacon-user", ""));
    }

    @Test
    void missingUserIs400WithTheSeedsShape() {
        for (String body : List.of("{\"page\":\"/\"}", "{}", "{\"user\":\"\"}", "{\"user\":null}")) {
            Response res = heartbeat(body);
            assertEquals(400, res.status(), body);
            assertEquals("error", res.text("status"));
            assertEquals("User required", res.text("message"));
        }
    }

    @Test
    void forwardedForIsIgnoredFromUntrustedPeers() {
        heartbeat("{\"user\":\"xff-user\"}", "X-Forwarded-For", "203.0.113.9");
        assertEquals("127.0.0.1", findPresence("xff-user", "").get("ip").asText());
    }

    @Test
    void sessionUpdateRecordsActivity() {
        Response missing = service.post("/api/session/update", "{\"user\":\"u\"}");
        assertEquals(400, missing.status());
        assertEquals("Session ID required", missing.text("message"));
        Response ok = service.post("/api/session/update", "{\"sid\":\"sid-123\",\"user\":\"act-user\"}");
        assertEquals(200, ok.status(), ok.body());
        JsonNode sessions = admin("/admin/sessions").json();
        boolean found = false;
        for (JsonNode a : sessions.get("activity")) {
            if (a.get("sid").asText().equals("sid-123")) {
                found = true;
                assertEquals("act-user", a.get("user").asText());
                assertEquals("sid-123", a.get("session_id").asText());
                assertTrue(a.get("last_activity").asLong() > 0);
            }
        }
        assertTrue(found, sessions.toString());
    }

    /** Sids that must come back byte for byte: spaces, unicode, the key separator, CR/LF, path characters. */
    static final List<String> EXACT_SIDS = List.of(" spaced sid ", " ", "ünï-😀-コード", "a|b|c", "cr\r\nlf\ttab",
            "a/b+c;d=e?f#g%41", "s".repeat(256));

    Response sessionUpdate(String sid, String user) {
        return service.post("/api/session/update", Json.writeString(Map.of("sid", sid, "user", user)),
                "Content-Type", "application/json");
    }

    /** The item for {@code sid} among the newest 1000 of the seed listing, or null. */
    JsonNode trackedItem(String sid) {
        for (JsonNode item : admin("/admin/sessions/redis?limit=1000").json().get("items")) {
            if (item.get("sid").asText().equals(sid)) {
                return item;
            }
        }
        return null;
    }

    @Test
    void seedSessionsListingIsTheTrackedActivityWithEverySidExactlyAsSent() {
        for (String sid : EXACT_SIDS) {
            Response ok = sessionUpdate(sid, "seed-user " + sid.length());
            assertEquals(200, ok.status(), ok.body());
            assertEquals("{\"status\":\"success\"}", ok.body());
        }
        JsonNode seed = admin("/admin/sessions/redis?limit=1000").json();
        assertEquals("success", seed.get("status").asText());
        assertEquals(store.reported(), seed.get("source").asText());
        assertTrue(seed.get("count").asLong() >= EXACT_SIDS.size(), seed.toString());
        assertEquals(seed.get("count").asLong(), admin("/admin/sessions").json().get("activity_count").asLong(),
                "count is the tracked activity's total");
        assertTrue(seed.get("live_sessions").isArray() && seed.has("live_count") && seed.has("next_cursor"));
        for (String sid : EXACT_SIDS) {
            JsonNode item = trackedItem(sid);
            assertNotNull(item, "listed: " + sid);
            assertEquals(sid, item.get("sid").asText());
            assertEquals(sid, item.get("session_id").asText());
            assertEquals("seed-user " + sid.length(), item.get("user").asText());
            assertEquals("127.0.0.1", item.get("ip").asText());
            assertTrue(item.get("last_activity").asLong() > System.currentTimeMillis() - 60_000);
            assertFalse(item.get("verified").asBoolean());
        }

        // Paged as today: newest first, next_cursor until the total is walked.
        Set<String> walked = new HashSet<>();
        Integer cursor = 0;
        while (cursor != null) {
            JsonNode page = admin("/admin/sessions/redis?limit=2&cursor=" + cursor).json();
            assertTrue(page.get("items").size() <= 2);
            page.get("items").forEach(item -> walked.add(item.get("sid").asText()));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asInt();
        }
        assertTrue(walked.containsAll(EXACT_SIDS), walked.toString());

        // Our own listing keeps live sessions as items, the tracked activity beside them.
        String live = service.login("listing-live", false).text("session_id");
        JsonNode ours = admin("/admin/sessions?limit=1000").json();
        assertTrue(ours.get("items").toString().contains(live));
        assertFalse(ours.get("items").toString().contains("seed-user"));
        assertTrue(ours.get("activity").toString().contains("seed-user"));
        assertTrue(admin("/admin/sessions/redis?limit=1000").json().get("live_sessions").toString().contains(live));
    }

    @Test
    void usersAndPagesAreKeptExactlyOrRefusedWithTheReason() {
        // "x|127.0.0.1" on 127.0.0.1 and "x" on 127.0.0.1 must stay two entries: the key is user|ip.
        for (String user : List.of(" bob ", "x|127.0.0.1", "x", "ünï 😀")) {
            Response ok = heartbeat(Json.writeString(Map.of("user", user, "page", " /p|a\r\nge ")));
            assertEquals(200, ok.status(), ok.body());
            JsonNode entry = findPresence(user, "");
            assertNotNull(entry, "listed exactly: '" + user + "'");
            assertEquals(" /p|a\r\nge ", entry.get("page").asText());
        }
        assertEquals(null, findPresence("bob", ""), "never trimmed");
        assertEquals(200, sessionUpdate("exact-user-sid", " spaced user ").status());
        assertEquals(" spaced user ", trackedItem("exact-user-sid").get("user").asText());

        record Refused(String body, String message) {
        }
        List<Refused> refused = List.of(
                new Refused("{\"user\":\"   \"}", "User must not be only whitespace"),
                new Refused("{\"user\":\"a\\r\\nb\"}", "User must be 1-256 characters without control characters"),
                new Refused("{\"user\":\"" + "u".repeat(257) + "\"}", "Field 'user' is longer than 256 characters"),
                new Refused("{\"user\":\"half \\ud83d\"}", "Field 'user' is not valid Unicode (an unpaired surrogate escape)"),
                new Refused("{\"user\":\"u\",\"page\":\"\\udc00\"}", "Field 'page' is not valid Unicode (an unpaired surrogate escape)"),
                new Refused("{\"user\":\"u\",\"page\":\"" + "p".repeat(2049) + "\"}", "Field 'page' is longer than 2048 characters"));
        for (Refused r : refused) {
            Response res = heartbeat(r.body());
            assertEquals(400, res.status(), r.body());
            assertEquals(r.message(), res.text("message"), r.body());
        }
        Response longSid = service.post("/api/session/update", "{\"sid\":\"" + "s".repeat(257) + "\",\"user\":\"u\"}");
        assertEquals(400, longSid.status());
        assertEquals("Field 'sid' is longer than 256 characters", longSid.text("message"));
        Response halfSid = service.post("/api/session/update", "{\"sid\":\"\\ud800\",\"user\":\"u\"}");
        assertEquals(400, halfSid.status());
        assertEquals("Field 'sid' is not valid Unicode (an unpaired surrogate escape)", halfSid.text("message"));
    }

    @Test
    void cachedDataThatUtf8CannotHoldIsRefused() {
        String token = service.token("cache-unicode");
        for (String data : List.of("{\"k\":\"\\ud800\"}", "{\"k\":[{\"deep\":\"x\\ud83d\"}]}", "{\"k\":\"\\udc00\\ud800\"}")) {
            Response res = service.post("/api/cache/user/cache-unicode", "{\"data\":" + data + "}", "X-Session-Token", token);
            assertEquals(400, res.status(), data);
            assertEquals("Field 'data' is not valid Unicode (an unpaired surrogate escape)", res.text("message"), data);
        }
        String exact = "{\"k\":\"😀 \\r\\n|\"}";
        assertEquals(200, service.post("/api/cache/user/cache-unicode", "{\"data\":" + exact + "}",
                "X-Session-Token", token).status());
        assertEquals(Json.read(exact, JsonNode.class),
                service.get("/api/cache/user/cache-unicode", "X-Session-Token", token).json().get("data"));
    }

    @Test
    void fiftyConcurrentSessionUpdatesAreAllListed() throws Exception {
        int updates = 50;
        CyclicBarrier start = new CyclicBarrier(updates);
        try (ExecutorService pool = Executors.newFixedThreadPool(updates)) {
            List<Future<Response>> sent = new ArrayList<>();
            for (int i = 0; i < updates; i++) {
                String sid = "concurrent|" + i + " ü";
                sent.add(pool.submit(() -> {
                    start.await();
                    return sessionUpdate(sid, "concurrent-user");
                }));
            }
            for (Future<Response> f : sent) {
                assertEquals(200, f.get().status());
            }
        }
        JsonNode listed = admin("/admin/sessions/redis?limit=1000").json();
        Set<String> sids = new HashSet<>();
        listed.get("items").forEach(item -> sids.add(item.get("sid").asText()));
        for (int i = 0; i < updates; i++) {
            assertTrue(sids.contains("concurrent|" + i + " ü"), "update " + i + " listed");
        }
        assertTrue(listed.get("count").asLong() >= updates);
    }

    @Test
    void presenceFilterRefreshesPresenceAfterTheResponse() throws Exception {
        String token = service.token("filter-user");
        service.get("/api/cache/user/filter-user", "X-Session-Token", token);
        JsonNode entry = null;
        for (int i = 0; i < 50 && entry == null; i++) {
            Thread.sleep(40);
            entry = findPresence("filter-user", "");
        }
        assertNotNull(entry, "the filter recorded presence");
        assertEquals("/api/cache/user/filter-user", entry.get("page").asText());
        assertTrue(entry.get("verified").asBoolean());
    }

    @Test
    void pagingWalksThousandsOfEntriesNewestFirstAndFilters() throws Exception {
        int users = 2000;
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            List<Future<Response>> sent = new ArrayList<>();
            for (int i = 0; i < users; i++) {
                String body = "{\"user\":\"pg-" + i + "\",\"page\":\"/p" + (i % 4) + "\"}";
                sent.add(pool.submit(() -> heartbeat(body)));
            }
            for (Future<Response> f : sent) {
                assertEquals(200, f.get().status());
            }
        }
        Set<String> seen = new HashSet<>();
        Integer cursor = 0;
        long previous = Long.MAX_VALUE - 1000;
        int pages = 0;
        while (cursor != null) {
            JsonNode page = admin("/admin/presence?limit=100&cursor=" + cursor).json();
            assertTrue(page.get("items").size() <= 100);
            assertTrue(page.get("count").asLong() >= users);
            assertEquals(store.reported(), page.get("source").asText());
            for (JsonNode item : page.get("items")) {
                long seenAt = item.get("lastSeen").asLong();
                // Redis orders by the expiry Redisson stamps when it sends the write, a moment (a
                // scheduling delay, under load) after lastSeen was taken; memory is exact.
                long jitter = store.redis() ? 500 : 0;
                assertTrue(seenAt <= previous + jitter, "newest first " + seenAt + " after " + previous + " at cursor " + cursor + " " + item);
                previous = Math.min(previous, seenAt);
                seen.add(item.get("user").asText() + "|" + item.get("ip").asText());
            }
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asInt();
            pages++;
        }
        for (int i = 0; i < users; i++) {
            assertTrue(seen.contains("pg-" + i + "|127.0.0.1"), "pg-" + i);
        }
        assertTrue(pages >= users / 100);

        JsonNode filtered = admin("/admin/presence?limit=1000&page=/p1").json();
        assertEquals(users / 4, filtered.get("count").asInt());
        assertEquals(users / 4, filtered.get("items").size());
        for (JsonNode item : filtered.get("items")) {
            assertEquals("/p1", item.get("page").asText());
        }
        JsonNode second = admin("/admin/presence?limit=100&cursor=400&page=/p1").json();
        assertEquals(100, second.get("items").size());
        assertTrue(second.get("next_cursor").isNull());
    }

    @Test
    void adminRoutesNeedTheAdminCredential() {
        List<String> paths = List.of("/admin/presence", "/admin/presence/redis", "/admin/sessions",
                "/admin/sessions/redis", "/admin/stats", "/admin/redis/stats", "/admin/redis/debug");
        for (String path : paths) {
            Response none = service.get(path);
            assertEquals(401, none.status(), path);
            assertEquals("error", none.text("status"));
            assertEquals(401, service.get(path, "Authorization", "Bearer wrong").status(), path);
            assertEquals(401, service.get(path, "Authorization", "test-admin-token").status(), path);
            Response ok = admin(path);
            assertEquals(200, ok.status(), path + " " + ok.body());
            assertEquals("success", ok.text("status"));
        }
        assertEquals(401, service.delete("/admin/sessions/x").status());
        assertEquals(401, service.delete("/admin/users/x/sessions", "Authorization", "Bearer nope").status());
        String userToken = service.token("not-admin");
        assertEquals(401, service.get("/admin/presence", "Authorization", "Bearer " + userToken).status());
    }

    @Test
    void terminateAndLogOutEverywhereTakeEffectAtOnce() {
        Response created = service.login("term-user", false);
        String token = created.text("session_token");
        String other = service.token("term-user");
        String bystander = service.token("term-bystander");

        JsonNode live = admin("/admin/sessions?limit=1000").json();
        assertTrue(live.get("items").toString().contains(created.text("session_id")));

        Response terminated = service.delete("/admin/sessions/" + created.text("session_id"), "Authorization", ADMIN);
        assertEquals(200, terminated.status(), terminated.body());
        assertEquals(401, service.get("/api/session/validate", "X-Session-Token", token).status());
        assertEquals(200, service.get("/api/session/validate", "X-Session-Token", other).status());
        assertEquals(404, service.delete("/admin/sessions/" + created.text("session_id"), "Authorization", ADMIN).status());

        Response everywhere = service.delete("/admin/users/term-user/sessions", "Authorization", ADMIN);
        assertEquals(200, everywhere.status());
        assertEquals(1, everywhere.json().get("revoked").asInt());
        assertEquals(401, service.get("/api/session/validate", "X-Session-Token", other).status());
        assertEquals(200, service.get("/api/session/validate", "X-Session-Token", bystander).status());
    }

    @Test
    void logOutEverywhereNamesTheUserExactlyAsEncoded() {
        // Helidon's decoded path would make "a+b" into "a b" and log out the wrong user.
        String plus = service.token("every+where");
        String space = service.token("every where");
        Response first = service.delete("/admin/users/every+where/sessions", "Authorization", ADMIN);
        assertEquals(200, first.status(), first.body());
        assertEquals("every+where", first.text("user"));
        assertEquals(1, first.json().get("revoked").asInt());
        assertEquals(401, service.get("/api/session/validate", "X-Session-Token", plus).status());
        assertEquals(200, service.get("/api/session/validate", "X-Session-Token", space).status());
        assertEquals(1, service.delete("/admin/users/every%20where/sessions", "Authorization", ADMIN)
                .json().get("revoked").asInt());
        Response wrongShape = service.delete("/admin/users/every+where/other", "Authorization", ADMIN);
        assertEquals(400, wrongShape.status());
        assertEquals("The path must be /admin/users/<user id>/sessions", wrongShape.text("message"));
    }

    @Test
    void aSessionRecordsActivityOnlyUnderItsOwnId() {
        Response login = service.login("own-sid", false);
        String token = login.text("session_token");
        Response other = service.post("/api/session/update", "{\"sid\":\"someone-else\"}", "X-Session-Token", token);
        assertEquals(400, other.status());
        assertTrue(other.text("message").startsWith("With a session token, 'sid' must be that session's id"),
                other.text("message"));
        assertEquals(200, service.post("/api/session/update", "{\"sid\":\"" + login.text("session_id") + "\"}",
                "X-Session-Token", token).status());
        JsonNode items = admin("/admin/sessions/redis?limit=1000").json().get("items");
        List<String> sids = new ArrayList<>();
        items.forEach(item -> sids.add(item.get("sid").asText()));
        assertTrue(sids.contains(login.text("session_id")), sids.toString());
        assertFalse(sids.contains("someone-else"), sids.toString());
    }

    @Test
    void noSecretInAnyAdminResponse() {
        List<String> secrets = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Response login = service.login("secret-user-" + i, false);
            String token = login.text("session_token");
            secrets.add(token);
            secrets.add(Tokens.hashOfSecret(token));
            heartbeat("{\"page\":\"/s\"}", "X-Session-Token", token);
            assertEquals(200, service.post("/api/session/update", "{\"sid\":\"" + login.text("session_id") + "\"}",
                    "X-Session-Token", token).status());
        }
        secrets.add("test-admin-token");
        for (String path : List.of("/admin/presence?limit=1000", "/admin/sessions?limit=1000", "/admin/stats",
                "/admin/redis/stats", "/admin/redis/debug")) {
            String raw = admin(path).body();
            for (String secret : secrets) {
                assertFalse(raw.contains(secret), path + " leaks " + secret.substring(0, 8));
            }
            assertFalse(raw.contains("sps_"), path);
        }
    }

    @Test
    void statsReportTheStoreAndItsFigures() {
        heartbeat("{\"user\":\"stats-u\"}");
        JsonNode stats = admin("/admin/redis/stats").json().get("stats");
        assertEquals(store.reported(), stats.get("store").asText());
        for (String field : List.of("memory_used", "connected_clients", "total_commands_processed", "keyspace_hits",
                "keyspace_misses", "presence_keys", "sessions_keys", "db_size", "active_users", "active_sessions")) {
            assertTrue(stats.has(field), field);
        }
        assertTrue(stats.get("presence_keys").asLong() >= 1);
        if (store.redis()) {
            assertTrue(stats.get("db_size").asLong() > 0);
            assertTrue(stats.get("total_commands_processed").asLong() > 0);
        } else {
            assertTrue(stats.has("note"));
        }
    }

    record Case(String method, String path, String body, String... headers) {
    }

    /**
     * Every route that reads a body, each with a valid body followed by something: the body alone
     * would be accepted, so only the strict parse can refuse these.
     */
    List<Case> withTrailingGarbage(String token) {
        List<Case> valid = List.of(
                new Case("POST", "/api/heartbeat", "{\"user\":\"trailing\"}"),
                new Case("POST", "/api/session/update", "{\"sid\":\"trailing\",\"user\":\"trailing\"}"),
                new Case("POST", "/api/session/create", "{\"remember_me\":false}", "Authorization", "Bearer dev:trailing"),
                new Case("POST", "/api/cache/user/bad-input", "{\"data\":{}}", "X-Session-Token", token));
        List<Case> cases = new ArrayList<>();
        for (Case c : valid) {
            assertEquals(200, service.post(c.path(), c.body(), c.headers()).status(), "valid alone: " + c.body());
            for (String garbage : List.of(" x", "{}", "]", "\n{\"user\":\"b\"}", " 1")) {
                cases.add(new Case(c.method(), c.path(), c.body() + garbage, c.headers()));
            }
        }
        return cases;
    }

    @Test
    void aFieldNamedTwiceIsRefused() {
        Response res = heartbeat("{\"user\":\"first\",\"user\":\"second\"}");
        assertEquals(400, res.status());
        assertEquals("Malformed JSON body: a field appears twice in one object", res.text("message"));
        assertEquals(null, findPresence("second", ""));
    }

    @Test
    void badInputOnEveryRouteIsAJson4xx() {
        String token = service.token("bad-input");
        List<Case> cases = List.of(
                new Case("POST", "/api/heartbeat", "{not json"),
                new Case("POST", "/api/heartbeat", "[1,2]"),
                new Case("POST", "/api/heartbeat", "{\"user\":5}"),
                new Case("POST", "/api/heartbeat", "{\"user\":\"u\",\"page\":{}}"),
                new Case("POST", "/api/session/update", "{\"sid\":[\"a\"]}"),
                new Case("POST", "/api/session/update", ""),
                new Case("POST", "/api/session/create", "{\"remember_me\":\"yes\"}", "Authorization", "Bearer dev:u"),
                new Case("POST", "/api/session/create", "{", "Authorization", "Bearer dev:u"),
                new Case("POST", "/api/cache/user/bad-input", "{\"data\":\"x\"}", "X-Session-Token", token),
                new Case("POST", "/api/cache/user/bad-input", "nope", "X-Session-Token", token),
                new Case("GET", "/admin/presence?limit=abc", null, "Authorization", ADMIN),
                new Case("GET", "/admin/presence?limit=0", null, "Authorization", ADMIN),
                new Case("GET", "/admin/presence?limit=100000", null, "Authorization", ADMIN),
                new Case("GET", "/admin/sessions?cursor=-1", null, "Authorization", ADMIN),
                new Case("DELETE", "/admin/sessions/does-not-exist", null, "Authorization", ADMIN),
                new Case("GET", "/admin/nothing-here", null, "Authorization", ADMIN),
                new Case("PUT", "/api/heartbeat", "{}"),
                new Case("GET", "/api/heartbeat", null));
        for (Case c : withTrailingGarbage(token)) {
            Response res = service.post(c.path(), c.body(), c.headers());
            assertEquals(400, res.status(), c.path() + " " + c.body() + " -> " + res.body());
            assertEquals("error", res.text("status"));
            assertEquals("Malformed JSON body: content after the JSON value", res.text("message"), c.body());
        }
        for (Case c : cases) {
            java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(service.uri(c.path()))
                    .method(c.method(), c.body() == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                            : java.net.http.HttpRequest.BodyPublishers.ofString(c.body()));
            Response res = service.send(request, c.headers());
            String label = c.method() + " " + c.path() + " " + c.body();
            assertTrue(res.status() >= 400 && res.status() < 500, label + " -> " + res.status());
            assertEquals("error", res.text("status"), label);
            assertFalse(res.text("message").isEmpty(), label);
            assertTrue(res.headers().get("content-type").getFirst().startsWith("application/json"), label);
        }
    }
}
