package io.sessionpresence.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.sessionpresence.testing.HttpTestClient.Response;
import io.sessionpresence.testing.RedisExtension;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestRedis;
import io.sessionpresence.testing.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redis memory per session, everything a session costs included (its record, the records' expiry
 * ZSET, the earlier-deadline ZSET), read with {@code MEMORY USAGE} of each key of the session
 * layout on a service of its own: one session per user must stay within 500 bytes and five per
 * user within 450, with a browser's User-Agent. The load-test suite measures the same with
 * {@code used_memory} at 10,000 users.
 */
@ExtendWith(RedisExtension.class)
class RedisBytesPerSessionTest {
    private static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    @Test
    void oneSessionPerUserCostsAtMost500Bytes(TestRedis redis) throws Exception {
        double bytes = bytesPerSession(redis, 2_000, 1);
        System.out.printf("Redis bytes per session, 1 per user: %.0f%n", bytes);
        assertTrue(bytes <= 500, bytes + " bytes per session");
    }

    @Test
    void fiveSessionsPerUserCostAtMost450BytesEach(TestRedis redis) throws Exception {
        double bytes = bytesPerSession(redis, 2_000, 5);
        System.out.printf("Redis bytes per session, 5 per user: %.0f%n", bytes);
        assertTrue(bytes <= 450, bytes + " bytes per session");
    }

    private static double bytesPerSession(TestRedis redis, int sessions, int perUser) throws Exception {
        try (TestService service = TestService.start(StoreKind.REDIS, Map.of("limits.enabled", "false"));
             ExecutorService threads = Executors.newFixedThreadPool(16)) {
            String prefix = service.config().get("redis.key-prefix");
            List<Future<Response>> created = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                String user = "bytes-" + perUser + "-" + (i / perUser);
                created.add(threads.submit(() -> service.post("/api/session/create", "{}",
                        "Authorization", "Bearer dev:" + user, "User-Agent", CHROME)));
            }
            for (Future<Response> response : created) {
                assertEquals(200, response.get().status());
            }
            long bytes = 0;
            for (String key : List.of(prefix + "user-sessions", RedisKeys.expiryIndexOf(prefix + "user-sessions"),
                    "{" + prefix + "user-sessions}:earlier")) {
                String usage = redis.command("MEMORY", "USAGE", key, "SAMPLES", "0");
                bytes += usage.isEmpty() ? 0 : Long.parseLong(usage.trim());
            }
            assertEquals(sessions / perUser, Long.parseLong(redis.command("HLEN", prefix + "user-sessions").trim()));
            return bytes / (double) sessions;
        }
    }
}
