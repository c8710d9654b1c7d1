package io.sessionpresence.limits;

import io.sessionpresence.store.RedisBatcher;
import io.sessionpresence.store.RedisConnection;
import io.sessionpresence.store.RedisKeys;
import io.sessionpresence.store.RedisSettings;
import io.sessionpresence.testing.RedisExtension;
import io.sessionpresence.testing.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared limiter against a real Redis: the same allowance as the local token bucket (a burst,
 * then the steady rate, Retry-After rounded up), one key per limited key that expires once the
 * allowance is full again, and a peek that takes nothing.
 */
@ExtendWith(RedisExtension.class)
class RedisLimiterTest {
    private RedissonClient client;
    private RedisBatcher batcher;
    private RedisKeys keys;

    @BeforeEach
    void connect(TestRedis redis) {
        RedisSettings settings = redis.settings("lim");
        client = Redisson.create(RedisConnection.redissonConfig(settings));
        batcher = new RedisBatcher(client, 5000, 2, 128, size -> { });
        keys = new RedisKeys(settings.keyPrefix());
    }

    @AfterEach
    void disconnect() {
        client.shutdown();
    }

    private KeyedLimiter limiter(Rate rate) {
        return SharedLimiters.inRedis(batcher, keys).create("test", rate);
    }

    @Test
    void aBurstThenRefusedUntilTheSteadyRateAllowsAgain() throws Exception {
        KeyedLimiter limiter = limiter(new Rate(3, 60));
        for (int i = 0; i < 3; i++) {
            assertTrue(limiter.take("203.0.113.1").allowed(), "request " + i + " of the burst");
        }
        Verdict refused = limiter.take("203.0.113.1");
        assertFalse(refused.allowed());
        // One request per 20 s at the steady rate: the next one is about 20 s away.
        assertTrue(refused.retryAfterSeconds() >= 19 && refused.retryAfterSeconds() <= 20, refused.toString());
        assertTrue(limiter.take("203.0.113.2").allowed(), "another key has its own allowance");
    }

    @Test
    void theAllowanceRefillsAtTheSteadyRate() throws Exception {
        KeyedLimiter limiter = limiter(new Rate(2, 1));
        assertTrue(limiter.take("k").allowed());
        assertTrue(limiter.take("k").allowed());
        Verdict refused = limiter.take("k");
        assertFalse(refused.allowed());
        assertEquals(1, refused.retryAfterSeconds(), "rounded up to whole seconds");
        Thread.sleep(550);
        assertTrue(limiter.take("k").allowed(), "one request back after half a second");
        assertFalse(limiter.take("k").allowed());
    }

    @Test
    void aPeekTakesNothingAndSeesARefusal() {
        KeyedLimiter limiter = limiter(new Rate(2, 60));
        for (int i = 0; i < 5; i++) {
            assertTrue(limiter.peek("k").allowed());
        }
        assertTrue(limiter.take("k").allowed());
        assertTrue(limiter.take("k").allowed());
        Verdict peeked = limiter.peek("k");
        assertFalse(peeked.allowed());
        assertTrue(peeked.retryAfterSeconds() >= 29 && peeked.retryAfterSeconds() <= 30, peeked.toString());
    }

    @Test
    void aKeyLivesOnlyUntilItsAllowanceIsFullAgain() {
        KeyedLimiter limiter = limiter(new Rate(3, 60));
        limiter.take("203.0.113.9");
        limiter.take("203.0.113.9");
        String key = keys.limit("test") + "203.0.113.9";
        long ttl = client.getBucket(key, org.redisson.client.codec.StringCodec.INSTANCE).remainTimeToLive();
        // Two of three used, at one per 20 s: full again in 40 s.
        assertTrue(ttl > 39_000 && ttl <= 40_000, "TTL " + ttl + " ms");
        assertEquals(0, client.getKeys().countExists(keys.limit("test") + "never-limited"));
    }
}
