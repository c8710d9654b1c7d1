package io.sessionpresence.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionpresence.json.Json;
import io.sessionpresence.session.Tokens;
import io.sessionpresence.testing.RedisExtension;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestRedis;
import io.sessionpresence.testing.TestService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.api.RMapCache;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.client.codec.StringCodec;
import org.redisson.codec.CompositeCodec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The session layout of {@code RedisKeys} as Redis and Redisson see it: records that Redisson's
 * own {@code RMapCache} reads (the format the scripts write is pinned to the Redisson version),
 * the earlier layout removed at start, and each expiry announced once by whichever instance's
 * sweep takes it.
 */
@ExtendWith(RedisExtension.class)
class RedisSessionLayoutTest {

    @Test
    void aRecordIsAnRMapCacheEntryThatExpiresWithItsLatestSession(TestRedis redis) {
        try (TestService service = TestService.start(StoreKind.REDIS)) {
            String prefix = service.config().get("redis.key-prefix");
            String token = service.token("layout-user");
            RedissonClient client = RedisConnection.connect(redis.settings("layout-reader:"));
            try {
                RMapCache<String, byte[]> records = client.getMapCache(prefix + "user-sessions",
                        new CompositeCodec(StringCodec.INSTANCE, ByteArrayCodec.INSTANCE));
                String key = Tokens.userKey("layout-user");
                assertNotNull(records.get(key), "Redisson reads the record");
                long ttl = records.remainTimeToLive(key);
                assertTrue(ttl > 3_500_000 && ttl <= 3_600_000, "the record expires with its session: " + ttl);
                assertEquals(200, service.post("/api/session/logout", "", "X-Session-Token", token).status());
                assertNull(records.get(key), "the last session's logout removes the record");
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void theEarlierLayoutIsRemovedAtStartAndItsTokensAreRefused(TestRedis redis) {
        String prefix = "legacy" + System.nanoTime() + ":";
        String legacyHash = "a".repeat(64);
        redis.command("HSET", prefix + "sessions", legacyHash, "{\"session_id\":\"old\",\"user_id\":\"alice\"}");
        redis.command("ZADD", RedisKeys.expiryIndexOf(prefix + "sessions"), "99999999999999", legacyHash);
        redis.command("HSET", prefix + "session-ids", "old", legacyHash);
        redis.command("ZADD", "{" + prefix + "users}:sessions:alice", "99999999999999", "old");
        redis.command("ZADD", "{" + prefix + "users}:sessions:bob", "99999999999999", "old2");
        redis.command("ZADD", "{" + prefix + "users}:active", "99999999999999", "alice");
        redis.command("HSET", prefix + "user-cache", "kept", "x");
        try (TestService service = TestService.start(StoreKind.REDIS, Map.of("redis.key-prefix", prefix))) {
            for (String key : List.of(prefix + "sessions", RedisKeys.expiryIndexOf(prefix + "sessions"),
                    prefix + "session-ids", "{" + prefix + "users}:sessions:alice", "{" + prefix + "users}:sessions:bob",
                    "{" + prefix + "users}:active")) {
                assertEquals("0", redis.command("EXISTS", key).trim(), key + " removed at start");
            }
            assertEquals("1", redis.command("EXISTS", prefix + "user-cache").trim(), "the user cache is kept");
            assertEquals(401, service.get("/api/session/validate", "X-Session-Token", "sps_" + "b".repeat(43)).status(),
                    "a token of the earlier shape is refused");
            assertEquals(200, service.get("/api/session/validate", "X-Session-Token", service.token("alice")).status(),
                    "and its user signs in again");
        }
    }

    @Test
    void eachExpiryIsAnnouncedOnceWhateverTheInstances(TestRedis redis) throws Exception {
        String prefix = "sweep" + System.nanoTime() + ":";
        Map<String, String> config = Map.of("redis.key-prefix", prefix, "session.timeout", "1",
                "session.max-per-user", "0", "limits.enabled", "false");
        List<String> expired = new CopyOnWriteArrayList<>();
        RedissonClient listener = RedisConnection.connect(redis.settings("sweep-listener:"));
        try (TestService a = TestService.start(StoreKind.REDIS, config);
             TestService b = TestService.start(StoreKind.REDIS, config)) {
            listener.getTopic(prefix + "events", StringCodec.INSTANCE).addListener(String.class, (channel, message) -> {
                JsonNode data = Json.read(message, JsonNode.class).path("data");
                if (data.path("type").asText().equals("session_expired")) {
                    expired.add(data.path("session_id").asText());
                }
            });
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                TestService on = i % 2 == 0 ? a : b;
                ids.add(on.login(i < 4 ? "sweep-shared" : "sweep-" + i, false).text("session_id"));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            while (expired.size() < ids.size() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(2_500);
            assertEquals(ids.stream().sorted().toList(), expired.stream().sorted().toList(),
                    "every session's expiry once, from two instances sweeping");
            assertEquals("0", redis.command("HLEN", prefix + "user-sessions").trim(), "no record left");
            assertEquals("0", redis.command("ZCARD", "{" + prefix + "user-sessions}:earlier").trim(), "no deadline left");
        } finally {
            listener.shutdown();
        }
    }
}
