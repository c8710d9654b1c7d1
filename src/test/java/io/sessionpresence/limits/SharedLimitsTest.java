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

import static io.sessionpresence.limits.HttpLimitsTest.assertLimited;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two instances on one Redis, requests alternating between them: the tight limits (logins per
 * user, wrong admin tokens, invalid session and identity tokens) hold at the figure one instance
 * would allow, while a volume limit per address is each instance's own.
 */
class SharedLimitsTest {
    private static final AtomicInteger NEXT_ADDRESS = new AtomicInteger(1);
    static TestService a;
    static TestService b;

    @BeforeAll
    static void start() {
        Map<String, String> config = new HashMap<>(StoreKind.REDIS.config());
        config.put("presence.trusted-proxies", "127.0.0.0/8,::1");
        config.put("limits.exempt", "");
        HttpLimitsTest.rate(config, "session-create-per-user", 3, 60);
        HttpLimitsTest.rate(config, "session-create-per-ip", 2, 60);
        HttpLimitsTest.rate(config, "admin-failures-per-ip", 3, 60);
        HttpLimitsTest.rate(config, "session-failures-per-ip", 4, 60);
        a = TestService.start(StoreKind.REDIS, config);
        b = TestService.start(StoreKind.REDIS, config);
    }

    @AfterAll
    static void stop() {
        a.close();
        b.close();
    }

    /** An address of its own for each caller (TEST-NET-2). */
    private static String newAddress() {
        return "198.51.100." + NEXT_ADDRESS.getAndIncrement();
    }

    /** Instance a for even {@code i}, b for odd. */
    private static TestService alternate(int i) {
        return i % 2 == 0 ? a : b;
    }

    private static Response create(TestService to, String identity, String ip) {
        return to.post("/api/session/create", "{}", "Authorization", "Bearer " + identity,
                "Content-Type", "application/json", "X-Forwarded-For", ip);
    }

    @Test
    void loginsPerUserHoldAcrossInstances() {
        for (int i = 0; i < 3; i++) {
            assertEquals(200, create(alternate(i), "dev:roaming", newAddress()).status());
        }
        assertLimited(create(b, "dev:roaming", newAddress()), "for this user");
        assertLimited(create(a, "dev:roaming", newAddress()), "for this user");
    }

    @Test
    void wrongAdminTokensHoldAcrossInstances() {
        String ip = newAddress();
        for (int i = 0; i < 3; i++) {
            assertEquals(401, alternate(i).get("/admin/stats", "Authorization", "Bearer guess-" + i,
                    "X-Forwarded-For", ip).status());
        }
        assertLimited(b.get("/admin/stats", "Authorization", "Bearer guess-3", "X-Forwarded-For", ip),
                "wrong admin tokens");
        assertLimited(a.get("/admin/stats", "Authorization", "Bearer test-admin-token", "X-Forwarded-For", ip),
                "wrong admin tokens");
        assertEquals(200, b.get("/admin/stats", "Authorization", "Bearer test-admin-token",
                "X-Forwarded-For", newAddress()).status(), "another address is not locked out");
    }

    @Test
    void invalidSessionAndIdentityTokensHoldAcrossInstances() {
        String ip = newAddress();
        assertEquals(401, a.get("/api/session/validate", "X-Session-Token", "sp_wrong-1", "X-Forwarded-For", ip).status());
        assertEquals(401, create(b, "not-an-identity-token", ip).status());
        assertEquals(401, b.get("/api/session/validate", "X-Session-Token", "sp_wrong-2", "X-Forwarded-For", ip).status());
        assertEquals(401, create(a, "dev:", ip).status());
        assertLimited(a.get("/api/session/validate", "X-Session-Token", "sp_wrong-3", "X-Forwarded-For", ip),
                "invalid session tokens");
        assertLimited(create(b, "still-not-one", ip), "invalid session tokens");
    }

    @Test
    void volumeLimitsPerAddressAreEachInstancesOwn() {
        String ip = newAddress();
        for (int i = 0; i < 2; i++) {
            assertEquals(200, create(a, "dev:nat-a-" + i, ip).status());
            assertEquals(200, create(b, "dev:nat-b-" + i, ip).status());
        }
        assertLimited(create(a, "dev:nat-a-2", ip), "from this address");
        assertLimited(create(b, "dev:nat-b-2", ip), "from this address");
    }
}
