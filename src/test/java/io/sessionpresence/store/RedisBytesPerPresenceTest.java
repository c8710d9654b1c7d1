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
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redis memory per presence entry ({@code MEMORY USAGE} of every presence bucket and its expiry
 * ZSET), against the same entries copied into one {@code RMapCache} (the layout before buckets),
 * in the same run. Every bucket stays a listpack, with a browser's User-Agent too: its short form
 * ({@code UserAgents}) keeps the value under 64 bytes, where the whole one made each bucket's hash
 * a hashtable (322 bytes per entry).
 */
@ExtendWith(RedisExtension.class)
class RedisBytesPerPresenceTest {
    private static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            + "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    /** KEYS: the one map and its ZSET; ARGV: the buckets, each map then its ZSET. */
    private static final String INTO_ONE_MAP = """
            for i = 1, #ARGV, 2 do
              local fields = redis.call('hgetall', ARGV[i])
              for j = 1, #fields, 2 do redis.call('hset', KEYS[1], fields[j], fields[j + 1]) end
              local scored = redis.call('zrange', ARGV[i + 1], 0, -1, 'WITHSCORES')
              for j = 1, #scored, 2 do redis.call('zadd', KEYS[2], scored[j + 1], scored[j]) end
            end
            return 1
            """;

    @ParameterizedTest
    @CsvSource({"session-presence-load-tests, /pricing, 10000, 250", "'" + CHROME + "', /pricing, 2000, 250",
            "'" + CHROME + "', /account/settings/notifications?tab=email, 2000, 250"})
    void entriesInBucketsCostLessThanInOneMap(String userAgent, String page, int users, int atMost, TestRedis redis)
            throws Exception {
        try (TestService service = TestService.start(StoreKind.REDIS, Map.of("limits.enabled", "false"));
             ExecutorService threads = Executors.newFixedThreadPool(16)) {
            String prefix = service.config().get("redis.key-prefix");
            List<Future<Response>> beats = new ArrayList<>();
            for (int i = 0; i < users; i++) {
                String body = "{\"user\":\"presence-bytes-" + i + "\",\"page\":\"" + page + "\"}";
                beats.add(threads.submit(() -> service.post("/api/heartbeat", body, "User-Agent", userAgent)));
            }
            for (Future<Response> beat : beats) {
                assertEquals(200, beat.get().status());
            }
            List<String> buckets = new ArrayList<>();
            new RedisKeys(prefix).presence(0).forEach(map -> buckets.addAll(List.of(map, RedisKeys.expiryIndexOf(map))));
            String oneMap = prefix + "presence-in-one-map";
            List<String> script = new ArrayList<>(List.of("EVAL", INTO_ONE_MAP, "2", oneMap, RedisKeys.expiryIndexOf(oneMap)));
            script.addAll(buckets);
            redis.command(script.toArray(String[]::new));

            double inBuckets = bytesPerEntry(redis, buckets, users);
            double inOneMap = bytesPerEntry(redis, List.of(oneMap, RedisKeys.expiryIndexOf(oneMap)), users);
            System.out.printf("Redis bytes per presence entry, %d users, User-Agent of %d characters, page of %d: %.0f in %d"
                    + " buckets; %.0f in one map%n", users, userAgent.length(), page.length(), inBuckets, buckets.size() / 2, inOneMap);
            assertTrue(inBuckets <= atMost && inBuckets < inOneMap - 40,
                    inBuckets + " bytes per entry in buckets, against " + inOneMap + " in one map");
        }
    }

    private static double bytesPerEntry(TestRedis redis, List<String> keys, int users) {
        long entries = 0;
        long bytes = 0;
        for (int i = 0; i < keys.size(); i += 2) {
            entries += Long.parseLong(redis.command("HLEN", keys.get(i)).trim());
            for (String key : keys.subList(i, i + 2)) {
                String usage = redis.command("MEMORY", "USAGE", key, "SAMPLES", "0").trim();
                bytes += usage.matches("\\d+") ? Long.parseLong(usage) : 0;
            }
        }
        assertEquals(users, entries);
        return bytes / (double) users;
    }
}
