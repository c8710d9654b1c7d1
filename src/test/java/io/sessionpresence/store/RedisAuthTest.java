package io.sessionpresence.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestRedis;
import io.sessionpresence.testing.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Credentials against a real redis-server that demands them: the default user's password and an
 * ACL user, each given in {@code redis.url} or in {@code redis.username} / {@code redis.password}
 * (a Kubernetes Secret's shape), and a wrong password stopping startup.
 */
class RedisAuthTest {
    private static TestRedis redis;

    @BeforeAll
    static void start() throws Exception {
        redis = TestRedis.startServer(TestRedis.freePort(), List.of("--save", "", "--appendonly", "no"));
        redis.command("ACL", "SETUSER", "app", "on", ">app-pass", "~*", "&*", "+@all");
        redis.command("CONFIG", "SET", "requirepass", "default-pass");
    }

    @AfterAll
    static void stop() {
        redis.close();
    }

    private static TestService service(Map<String, String> credentials) {
        Map<String, String> config = new HashMap<>(credentials);
        config.put("store.type", "redis");
        config.putIfAbsent("redis.url", "redis://127.0.0.1:" + redis.port());
        config.put("redis.key-prefix", "auth" + UUID.randomUUID().toString().substring(0, 8) + ":");
        config.put("redis.connect-timeout-ms", "1000");
        // MEMORY is only the base map: store.type=redis above, and the shared server is not started.
        return TestService.start(StoreKind.MEMORY, config);
    }

    private static void assertSessionsWork(Map<String, String> credentials) {
        try (TestService service = service(credentials)) {
            String token = service.token("auth-user");
            assertEquals(200, service.get("/api/session/validate", "X-Session-Token", token).status(), credentials.toString());
        }
    }

    @Test
    void theDefaultUsersPasswordInTheUrlOrApart() {
        assertSessionsWork(Map.of("redis.url", "redis://:default-pass@127.0.0.1:" + redis.port()));
        assertSessionsWork(Map.of("redis.password", "default-pass"));
    }

    @Test
    void anAclUserInTheUrlOrApart() {
        assertSessionsWork(Map.of("redis.url", "redis://app:app-pass@127.0.0.1:" + redis.port()));
        assertSessionsWork(Map.of("redis.username", "app", "redis.password", "app-pass"));
    }

    @Test
    void aWrongPasswordStopsStartup() {
        assertThrows(RuntimeException.class, () -> service(Map.of("redis.password", "wrong")).close());
        assertThrows(RuntimeException.class, () -> service(Map.of("redis.username", "app", "redis.password", "wrong")).close());
    }
}
