package io.sessionpresence.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.sessionpresence.presence.Presence;
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
 * Redis memory per presence entry ({@code MEMORY USAGE} of the presence map and its expiry ZSET),
 * against the floor of the storage model: the same keys in an {@code RMapCache} with empty
 * values, written in the same run. What an entry costs above that floor is its value alone: the
 * User-Agent, the page, the time and the verified flag (an allocator's size class at most more).
 */
@ExtendWith(RedisExtension.class)
class RedisBytesPerPresenceTest {
    private static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private static final int USERS = 2_000;
    private static final String PAGE = "/pricing";

    /** The empty entries' script: Redisson's value format with an empty value, and its expiry ZSET. */
    private static final String EMPTY_ENTRIES = """
            for i = 1, tonumber(ARGV[1]) do
              local key = ARGV[2] .. i .. '|127.0.0.1'
              redis.call('hset', KEYS[1], key, struct.pack('dLc0', 0, 0, ''))
              redis.call('zadd', KEYS[2], 1e12 + i, key)
            end
            return 1
            """;

    @Test
    void anEntryCostsTheModelsFloorAndItsValue(TestRedis redis) throws Exception {
        try (TestService service = TestService.start(StoreKind.REDIS, Map.of("limits.enabled", "false"));
             ExecutorService threads = Executors.newFixedThreadPool(16)) {
            String prefix = service.config().get("redis.key-prefix");
            List<Future<Response>> beats = new ArrayList<>();
            for (int i = 0; i < USERS; i++) {
                String body = "{\"user\":\"presence-bytes-" + i + "\",\"page\":\"" + PAGE + "\"}";
                beats.add(threads.submit(() -> service.post("/api/heartbeat", body, "User-Agent", CHROME)));
            }
            for (Future<Response> beat : beats) {
                assertEquals(200, beat.get().status());
            }
            String floorMap = prefix + "presence-floor";
            redis.command("EVAL", EMPTY_ENTRIES, "2", floorMap, RedisKeys.expiryIndexOf(floorMap),
                    Integer.toString(USERS), "presence-bytes-");

            double entry = bytesPerEntry(redis, prefix + "presence");
            double floor = bytesPerEntry(redis, floorMap);
            String value = new Presence("u", "127.0.0.1", CHROME, PAGE,
                    System.currentTimeMillis(), false).stored();
            System.out.printf("Redis bytes per presence entry: %.0f; the model's floor (same keys, empty values): %.0f;"
                    + " the stored value: %d bytes%n", entry, floor, value.length());
            assertTrue(entry - floor <= value.length() + 32,
                    "an entry costs the floor and its value only: " + entry + " against " + floor);
        }
    }

    private static double bytesPerEntry(TestRedis redis, String map) {
        assertEquals(USERS, Long.parseLong(redis.command("HLEN", map).trim()));
        long bytes = 0;
        for (String key : List.of(map, RedisKeys.expiryIndexOf(map))) {
            bytes += Long.parseLong(redis.command("MEMORY", "USAGE", key, "SAMPLES", "0").trim());
        }
        return bytes / (double) USERS;
    }
}
