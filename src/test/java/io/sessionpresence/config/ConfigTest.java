package io.sessionpresence.config;

import java.util.Map;

import io.sessionpresence.store.MemoryLimits;
import io.sessionpresence.Main;
import io.sessionpresence.backend.Backend;
import io.sessionpresence.metrics.ServiceMetrics;
import io.sessionpresence.store.RedisSettings;
import io.sessionpresence.store.TimeSource;
import io.sessionpresence.testing.StoreKind;
import io.sessionpresence.testing.TestRedis;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Defaults, environment overrides, and bad values that stop startup naming the key. */
class ConfigTest {

    private static Map<String, String> memory(Map<String, String> more) {
        Map<String, String> config = new java.util.HashMap<>(Map.of("store.type", "memory", "server.port", "0"));
        config.putAll(more);
        return config;
    }

    /** The backend {@link Main#start} picks for this configuration: the store choice, without a server. */
    private static Backend select(Map<String, String> config) {
        return Backend.select(RedisSettings.from(ConfigLoader.load(Map.of(), config)), MemoryLimits.heapShare(),
                TimeSource.system(), ServiceMetrics.global());
    }

    @Test
    void environmentVariablesOverrideTheYamlDefaults() {
        var config = ConfigLoader.load(Map.of("PORT", "9999", "SESSION_TIMEOUT", "42", "REMEMBER_ME_TIMEOUT", "43",
                "STORE", "memory", "ADMIN_TOKEN", "t", "SESSION_MAX_PER_USER", "5", "CORS_ORIGINS", "a,b",
                "PATH", "/usr/bin"), Map.of());
        assertEquals("9999", config.get("server.port").asString().get());
        assertEquals(42, Settings.seconds(config, "session.timeout", 1));
        assertEquals(43, Settings.seconds(config, "session.remember-me-timeout", 1));
        assertEquals("memory", config.get("store.type").asString().get());
        assertEquals(5, Settings.intValue(config, "session.max-per-user", 0));
        assertEquals(java.util.List.of("a", "b"), Settings.list(config, "cors.allowed-origins"));
        assertTrue(config.get("path").asString().isEmpty(), "unrelated variables are not mapped");
    }

    @Test
    void variablesMeantForTheServiceThatNameNoKeyAreReported() {
        var base = ConfigLoader.load(Map.of(), Map.of());
        assertEquals(java.util.List.of("REDIS_URLL", "SESSION_TIMEOUTS"), ConfigLoader.unmatchedVariables(base, Map.of(
                "SESSION_TIMEOUTS", "60", "REDIS_URLL", "redis://x", "SESSION_TIMEOUT", "60",
                "REDIS_CONNECT_TIMEOUT_MS", "5", "SERVER_HOST", "::", "PORT", "1", "PATH", "/usr/bin",
                "SESSION_MANAGER", "local/host:@/tmp/.ICE-unix/1")));
    }

    @Test
    void defaultsMatchTheSeed() {
        var config = ConfigLoader.load(Map.of(), Map.of());
        assertEquals(3600, Settings.seconds(config, "session.timeout", 1));
        assertEquals(2592000, Settings.seconds(config, "session.remember-me-timeout", 1));
        assertEquals("8080", config.get("server.port").asString().get());
        assertEquals("auto", config.get("store.type").asString().get());
        assertEquals(300, Settings.seconds(config, "presence.ttl", 1));
    }

    @Test
    void badValuesStopStartupNamingTheKey() {
        Map<String, Map<String, String>> bad = new java.util.HashMap<>(Map.of(
                "session.timeout", Map.of("session.timeout", "-5"),
                "session.remember-me-timeout", Map.of("session.remember-me-timeout", "soon"),
                "redis.url", Map.of("store.type", "auto", "redis.url", "http://nope"),
                "store.type", Map.of("store.type", "postgres"),
                "session.limit-policy", Map.of("session.limit-policy", "maybe"),
                "identity.mode", Map.of("identity.mode", "trust-me"),
                "presence.allow-anonymous", Map.of("presence.allow-anonymous", "perhaps"),
                "realtime.advertise-url", Map.of("realtime.advertise-url", "http://10.1.2.3:8080/socket.io/")));
        bad.putAll(Map.of(
                "redis.sentinel.master", Map.of("redis.sentinel.nodes", "127.0.0.1:26379"),
                "redis.sentinel.nodes", Map.of("redis.sentinel.master", "mymaster"),
                "redis.cluster.nodes", Map.of("redis.cluster.nodes", "redis://127.0.0.1:7000"),
                "redis.config-file", Map.of("redis.config-file", "/nonexistent/redisson.yaml"),
                "redis.tls.ca-file", Map.of("redis.tls.ca-file", "pom.xml"),
                "redis.shards", Map.of("redis.shards", "5000")));
        bad.forEach((key, values) -> {
            InvalidConfigException e = assertThrows(InvalidConfigException.class,
                    () -> Main.start(ConfigLoader.load(Map.of(), memory(values))), key);
            assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
        });
    }

    @Test
    void oneWayToReachRedisAtATime() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> Main.start(ConfigLoader.load(Map.of(),
                memory(Map.of("redis.url", "redis://127.0.0.1:6379", "redis.cluster.nodes", "127.0.0.1:7000")))));
        assertTrue(e.getMessage().contains("'redis.url'") && e.getMessage().contains("redis.cluster.nodes"), e.getMessage());
    }

    @Test
    void autoFallsBackToMemoryWhenRedisDoesNotAnswer() throws Exception {
        int closedPort = TestRedis.freePort();
        try (Backend backend = select(Map.of("store.type", "auto", "redis.url", "redis://127.0.0.1:" + closedPort))) {
            assertEquals("memory", backend.name());
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Main.start(ConfigLoader.load(Map.of(),
                memory(Map.of("store.type", "redis", "redis.url", "redis://127.0.0.1:" + closedPort)))));
        assertTrue(e.getMessage().contains("does not answer"), e.getMessage());
    }

    @Test
    void autoUsesRedisWhenItAnswers() {
        Map<String, String> config = new java.util.HashMap<>(StoreKind.REDIS.config());
        config.put("store.type", "auto");
        try (Backend backend = select(config)) {
            assertEquals("redis", backend.name());
            assertTrue(backend.answers());
        }
    }
}
