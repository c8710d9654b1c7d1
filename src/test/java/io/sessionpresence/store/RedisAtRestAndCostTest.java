package io.sessionpresence.store;

import java.util.List;
import java.util.Map;

import io.sessionpresence.session.Tokens;
import io.sessionpresence.testing.RedisExtension;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestRedis;
import io.sessionpresence.testing.TestService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What is in Redis and what each request costs there, read straight from a real Redis server. */
@ExtendWith(RedisExtension.class)
class RedisAtRestAndCostTest {
    static TestService service;
    static TestRedis redis;
    static String prefix;

    @BeforeAll
    static void start(TestRedis testRedis) {
        redis = testRedis;
        service = TestService.start(StoreKind.REDIS);
        prefix = service.config().get("redis.key-prefix");
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void aDumpOfRedisHoldsNoUsableToken() {
        String token = service.token("at-rest-user");
        service.post("/api/cache/user/at-rest-user", "{\"data\":{\"a\":1}}", "X-Session-Token", token);
        service.post("/api/heartbeat", "{\"page\":\"/p\"}", "X-Session-Token", token);

        StringBuilder dump = new StringBuilder();
        for (String key : redis.command("KEYS", "*").split("\n")) {
            if (key.isEmpty()) {
                continue;
            }
            dump.append(key).append('\n');
            String type = redis.command("TYPE", key);
            dump.append(switch (type) {
                case "hash" -> redis.command("HGETALL", key);
                case "zset" -> redis.command("ZRANGE", key, "0", "-1");
                case "string" -> redis.command("GET", key);
                case "set" -> redis.command("SMEMBERS", key);
                case "list" -> redis.command("LRANGE", key, "0", "-1");
                default -> "";
            }).append('\n');
        }
        String all = dump.toString();
        assertFalse(all.contains(token), "raw token stored in Redis");
        assertFalse(all.contains(token.substring(Tokens.TOKEN_PREFIX.length())), "token body stored in Redis");
        assertTrue(redis.command("HEXISTS", prefix + "user-sessions", Tokens.userKey("at-rest-user")).equals("1"),
                "sessions are kept in their user's record");
        assertFalse(all.contains(Tokens.parse(token).orElseThrow().secret()), "token secret stored in Redis");
    }

    private static long scriptCalls(Map<String, Long> delta) {
        return delta.getOrDefault("evalsha", 0L) + delta.getOrDefault("eval", 0L);
    }

    /** Commands Redis counts for work done inside a script, not sent by the client. */
    private static final List<String> SCRIPT_INTERNAL = List.of("hget", "hset", "hdel", "zadd", "zrem", "zscore",
            "zcard", "zrange", "zrangebyscore", "pexpire", "pexpireat", "get", "set", "hlen", "publish", "exists");

    @Test
    void validateIsOneRoundTrip() {
        String token = service.token("cost-validate");
        service.get("/api/session/validate", "X-Session-Token", token);
        Map<String, Long> delta = redis.commandsDuring(() ->
                assertEquals(200, service.get("/api/session/validate", "X-Session-Token", token).status()));
        assertEquals(1, scriptCalls(delta), "one EVALSHA: " + delta);
        delta.keySet().forEach(cmd -> assertTrue(cmd.equals("evalsha") || cmd.equals("eval")
                || SCRIPT_INTERNAL.contains(cmd), "unexpected client command " + cmd + " in " + delta));
        assertFalse(delta.containsKey("publish"), "validate publishes nothing");
    }

    @Test
    void anonymousHeartbeatIsOneRoundTripIncludingItsEvent() {
        service.post("/api/heartbeat", "{\"user\":\"cost-hb\"}");
        Map<String, Long> delta = redis.commandsDuring(() ->
                assertEquals(200, service.post("/api/heartbeat", "{\"user\":\"cost-hb\",\"page\":\"/x\"}").status()));
        assertEquals(1, scriptCalls(delta), "one EVALSHA writes the entry and publishes its event: " + delta);
        assertEquals(1L, delta.getOrDefault("publish", 0L), "the admin event's PUBLISH, from inside the script: " + delta);
        delta.keySet().forEach(cmd -> assertTrue(cmd.equals("evalsha") || cmd.equals("eval")
                || SCRIPT_INTERNAL.contains(cmd), "unexpected client command " + cmd + " in " + delta));
    }
}
