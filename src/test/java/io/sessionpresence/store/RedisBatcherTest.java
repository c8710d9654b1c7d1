package io.sessionpresence.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.sessionpresence.testing.RedisExtension;
import io.sessionpresence.testing.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.Redisson;
import org.redisson.api.RMapCache;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisTimeoutException;
import org.redisson.client.codec.StringCodec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Concurrent calls share round trips, each still gets its own reply, and nothing waits past the timeout. */
@ExtendWith(RedisExtension.class)
class RedisBatcherTest {
    private static final int TIMEOUT_MS = 400;

    private RedissonClient client;
    private RedisBatcher batcher;
    private String map;

    @BeforeEach
    void connect(TestRedis redis) {
        RedisSettings settings = redis.settings("batch");
        client = Redisson.create(RedisConnection.redissonConfig(settings));
        batcher = new RedisBatcher(client, TIMEOUT_MS, 1, 128, size -> { });
        map = settings.keyPrefix() + "map";
        RMapCache<String, String> values = client.getMapCache(map, StringCodec.INSTANCE);
        for (int i = 0; i < 200; i++) {
            values.fastPut("k" + i, "v" + i, 1, TimeUnit.HOURS);
        }
    }

    @AfterEach
    void disconnect() {
        client.shutdown();
    }

    private String get(String key) {
        return batcher.call(batch -> batch.<String, String>getMapCache(map, StringCodec.INSTANCE).getAsync(key));
    }

    @Test
    void concurrentCallsShareRoundTripsAndEachGetsItsOwnReply(TestRedis redis) throws Exception {
        get("k0"); // loads the script
        int threads = 64;
        int perThread = 40;
        long readsBefore = redis.readsProcessed();
        Map<String, Long> commands = redis.commandsDuring(() -> {
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < perThread; i++) {
                            int n = (thread * perThread + i) % 200;
                            assertEquals("v" + n, get("k" + n));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        long calls = (long) threads * perThread;
        long reads = redis.readsProcessed() - readsBefore;
        assertEquals(calls, commands.getOrDefault("evalsha", 0L), "one script per call: " + commands);
        assertTrue(reads < calls / 2, calls + " calls took " + reads + " reads: round trips were not shared");
    }

    @Test
    void aLoneCallGoesOutAtOnceAsOneScript(TestRedis redis) {
        get("k1");
        long start = System.nanoTime();
        Map<String, Long> commands = redis.commandsDuring(() -> assertEquals("v1", get("k1")));
        assertEquals(1L, commands.get("evalsha"), commands.toString());
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < TIMEOUT_MS, "not held back");
    }

    @Test
    void callsFailWithinTheTimeoutWhileRedisDoesNotAnswerAndWorkAgainAfter(TestRedis redis) throws Exception {
        get("k2");
        redis.command("CLIENT", "PAUSE", "1500", "ALL");
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                calls.add(pool.submit(() -> assertThrows(RedisTimeoutException.class, () -> get("k2"))));
            }
            for (Future<?> call : calls) {
                call.get();
            }
        }
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(waitedMs < 2 * TIMEOUT_MS, "queued calls waited " + waitedMs + " ms; the timeout is " + TIMEOUT_MS);
        Thread.sleep(1500);
        long deadline = System.currentTimeMillis() + 5000;
        String value = null;
        while (value == null && System.currentTimeMillis() < deadline) {
            try {
                value = get("k2");
            } catch (RedisTimeoutException e) {
                Thread.sleep(100);
            }
        }
        assertEquals("v2", value);
    }
}
