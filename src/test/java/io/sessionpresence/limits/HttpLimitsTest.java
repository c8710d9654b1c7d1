package io.sessionpresence.limits;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.sessionpresence.testing.HttpTestClient.Response;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every HTTP rate limit, reached: 429 with {@code Retry-After} (whole seconds) and the JSON error.
 * The test client is 127.0.0.1, which the service here trusts as a proxy by CIDR range, so each
 * test speaks for its own client address through {@code X-Forwarded-For} and the tests share no
 * bucket. The limits are small so that reaching them takes a handful of requests.
 */
class HttpLimitsTest {
    private static final AtomicInteger NEXT_ADDRESS = new AtomicInteger(1);
    static TestService service;

    @BeforeAll
    static void start() {
        Map<String, String> config = new HashMap<>();
        config.put("presence.trusted-proxies", "127.0.0.0/8,::1");
        config.put("limits.exempt", "");
        rate(config, "session-create-per-user", 3, 60);
        rate(config, "session-create-per-ip", 5, 60);
        rate(config, "anonymous-per-ip", 5, 60);
        rate(config, "admin-failures-per-ip", 3, 60);
        rate(config, "session-failures-per-ip", 4, 60);
        service = TestService.start(StoreKind.MEMORY, config);
    }

    /** Sets limit {@code name} to {@code requests} per {@code perSeconds}. */
    static void rate(Map<String, String> config, String name, int requests, int perSeconds) {
        config.put("limits." + name + ".requests", Integer.toString(requests));
        config.put("limits." + name + ".per-seconds", Integer.toString(perSeconds));
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    /** A client address of its own for each caller (TEST-NET-3). */
    static String newAddress() {
        int n = NEXT_ADDRESS.getAndIncrement();
        return "203.0.113." + n;
    }

    static Response create(String user, String ip) {
        return service.post("/api/session/create", "{}", "Authorization", "Bearer dev:" + user,
                "Content-Type", "application/json", "X-Forwarded-For", ip);
    }

    /** 429, a Retry-After of whole seconds within the limit's period, and the JSON error naming it. */
    static void assertLimited(Response res, String messagePart) {
        assertEquals(429, res.status(), res.body());
        long retryAfter = Long.parseLong(res.headers().get("retry-after").getFirst());
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
        assertEquals(429, res.json().path("code").asInt());
        assertEquals(retryAfter, res.json().path("retry_after").asLong());
        assertTrue(res.text("error").contains(messagePart), res.body());
    }

    @Test
    void sessionCreationsPerUserAreLimitedWhateverTheAddress() {
        for (int i = 0; i < 3; i++) {
            assertEquals(200, create("greedy", newAddress()).status());
        }
        assertLimited(create("greedy", newAddress()), "for this user");
        assertEquals(200, create("modest", newAddress()).status(), "another user is not affected");
    }

    @Test
    void sessionCreationsPerAddressAreLimited() {
        String ip = newAddress();
        for (int i = 0; i < 5; i++) {
            assertEquals(200, create("nat-user-" + i, ip).status());
        }
        assertLimited(create("nat-user-5", ip), "from this address");
        assertEquals(200, create("nat-user-5", newAddress()).status(), "another address is not affected");
    }

    @Test
    void anonymousHeartbeatsAndUpdatesShareTheirAddressLimitButSessionsDoNot() {
        String ip = newAddress();
        String token = service.post("/api/session/create", "{}", "Authorization", "Bearer dev:hb-user",
                "X-Forwarded-For", newAddress()).text("session_token");
        for (int i = 0; i < 4; i++) {
            assertEquals(200, service.post("/api/heartbeat", "{\"user\":\"anon-" + i + "\",\"page\":\"/\"}",
                    "X-Forwarded-For", ip).status());
        }
        assertEquals(200, service.post("/api/session/update", "{\"sid\":\"s-1\",\"user\":\"anon\"}",
                "X-Forwarded-For", ip).status());
        assertLimited(service.post("/api/heartbeat", "{\"user\":\"anon-9\"}", "X-Forwarded-For", ip),
                "without a session");
        assertLimited(service.post("/api/session/update", "{\"sid\":\"s-2\",\"user\":\"anon\"}",
                "X-Forwarded-For", ip), "without a session");
        assertEquals(200, service.post("/api/heartbeat", "{\"page\":\"/\"}", "X-Session-Token", token,
                "X-Forwarded-For", ip).status(), "a heartbeat with a session is not anonymous");
    }

    @Test
    void wrongAdminTokensLockTheirAddressOutEvenForTheRightToken() {
        String ip = newAddress();
        for (int i = 0; i < 5; i++) {
            assertEquals(401, service.get("/admin/stats", "X-Forwarded-For", ip).status(), "no token is no guess");
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(401, service.get("/admin/stats", "Authorization", "Bearer guess-" + i,
                    "X-Forwarded-For", ip).status());
        }
        assertLimited(service.get("/admin/stats", "Authorization", "Bearer guess-3", "X-Forwarded-For", ip),
                "wrong admin tokens");
        assertLimited(service.get("/admin/stats", "Authorization", "Bearer test-admin-token", "X-Forwarded-For", ip),
                "wrong admin tokens");
        assertEquals(200, service.get("/admin/stats", "Authorization", "Bearer test-admin-token",
                "X-Forwarded-For", newAddress()).status(), "another address is not locked out");
    }

    @Test
    void invalidSessionTokensAreLimitedOnAnyRouteButValidOnesNever() {
        String ip = newAddress();
        String token = service.post("/api/session/create", "{}", "Authorization", "Bearer dev:valid-user",
                "X-Forwarded-For", newAddress()).text("session_token");
        assertEquals(401, service.get("/api/session/validate", "X-Session-Token", "sp_wrong-1",
                "X-Forwarded-For", ip).status());
        assertEquals(401, service.post("/api/heartbeat", "{}", "X-Session-Token", "sp_wrong-2",
                "X-Forwarded-For", ip).status());
        assertEquals(401, service.get("/api/cache/user/valid-user", "X-Session-Token", "sp_wrong-3", "X-Forwarded-For", ip).status());
        assertEquals(401, service.post("/api/session/refresh", null, "X-Session-Token", "sp_wrong-4",
                "X-Forwarded-For", ip).status());
        assertLimited(service.get("/api/session/validate", "X-Session-Token", "sp_wrong-5", "X-Forwarded-For", ip),
                "invalid session tokens");
        assertLimited(service.get("/api/session/list", "X-Session-Token", "sp_wrong-6", "X-Forwarded-For", ip),
                "invalid session tokens");
        for (int i = 0; i < 20; i++) {
            assertEquals(200, service.get("/api/session/validate", "X-Session-Token", token,
                    "X-Forwarded-For", ip).status(), "a valid token is never limited");
        }
        assertEquals(401, service.get("/api/session/validate", "X-Forwarded-For", ip).status(),
                "a missing token is a 401, not counted as a failure");
    }

    @Test
    void oneSettingTurnsEveryLimitOff() {
        Map<String, String> config = new HashMap<>(service.config());
        config.remove("server.port");
        config.put("limits.enabled", "false");
        try (TestService off = TestService.start(StoreKind.MEMORY, config)) {
            for (int i = 0; i < 10; i++) {
                assertEquals(200, off.login("unlimited", false).status());
                assertEquals(401, off.get("/admin/stats", "Authorization", "Bearer guess-" + i).status());
                assertEquals(401, off.get("/api/session/validate", "X-Session-Token", "sp_wrong").status());
                assertEquals(200, off.post("/api/heartbeat", "{\"user\":\"anon\"}").status());
            }
            assertEquals(200, off.get("/admin/stats", "Authorization", "Bearer test-admin-token").status());
        }
    }
}
