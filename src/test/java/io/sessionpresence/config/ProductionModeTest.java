package io.sessionpresence.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import io.helidon.config.Config;
import io.sessionpresence.Main;
import io.sessionpresence.testing.LogCapture;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code mode: production} refuses to start with each setting that is only safe on a laptop, with
 * a message naming its key; a configuration without any of them starts. A short admin token logs
 * a WARN in every mode.
 */
class ProductionModeTest {
    private static final String STRONG_TOKEN = "0123456789abcdef0123456789abcdef";

    /** A production configuration that passes every rule, on the memory store and a free port. */
    private static Map<String, String> production(Map<String, String> changes) {
        Map<String, String> config = new HashMap<>(Map.of(
                "mode", "production",
                "store.type", "memory",
                "server.port", "0",
                "server.host", "127.0.0.1",
                "identity.mode", "hs256",
                "identity.hs256-secret", "0123456789abcdef0123456789abcdef-secret",
                "admin.token", STRONG_TOKEN,
                "presence.allow-anonymous", "false",
                "cors.allowed-origins", "https://app.example.com",
                "realtime.query-credentials", "false"));
        config.putAll(changes);
        return config;
    }

    private static Config load(Map<String, String> changes) {
        return ConfigLoader.load(Map.of(), production(changes));
    }

    private static void assertRefused(String key, Map<String, String> changes) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> Main.start(load(changes)).close());
        assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("production"), e.getMessage());
    }

    @Test
    void aProductionConfigurationWithoutLaptopSettingsStarts() {
        assertDoesNotThrow(() -> Main.start(load(Map.of())).close());
    }

    @Test
    void refusesDevIdentity() {
        assertRefused("identity.mode", Map.of("identity.mode", "dev"));
    }

    @Test
    void refusesAShortAdminToken() {
        assertRefused("admin.token", Map.of("admin.token", "abc"));
        assertRefused("admin.token", Map.of("admin.token", STRONG_TOKEN.substring(1)));
    }

    @Test
    void refusesAnonymousPresence() {
        assertRefused("presence.allow-anonymous", Map.of("presence.allow-anonymous", "true"));
    }

    @Test
    void refusesAnyOriginForCors() {
        assertRefused("cors.allowed-origins", Map.of("cors.allowed-origins", "https://app.example.com,*"));
    }

    @Test
    void refusesCredentialsInSocketUrls() {
        assertRefused("realtime.query-credentials", Map.of("realtime.query-credentials", "true"));
    }

    @Test
    void refusesARedisWithoutPasswordOnAnotherHost() {
        // Checked before any connection is tried: no traffic leaves this machine.
        assertRefused("redis.url", Map.of("store.type", "redis", "redis.url", "redis://10.0.0.5:6379"));
        assertRefused("redis.url", Map.of("store.type", "redis", "redis.url", "rediss://user@redis.example.com:6380/0"));
        for (String accepted : List.of("redis://:secret@10.0.0.5:6379", "rediss://app:secret@redis.example.com",
                "redis://127.0.0.1:6379", "redis://localhost", "redis://[::1]:6379")) {
            assertDoesNotThrow(() -> StartupRules.check(load(Map.of("redis.url", accepted))), accepted);
        }
    }

    @Test
    void refusesSentinelsOrClusterNodesWithoutPasswordOnAnotherHost() {
        assertRefused("redis.cluster.nodes", Map.of("store.type", "redis", "redis.cluster.nodes", "127.0.0.1:7000,10.0.0.6:7000"));
        assertRefused("redis.sentinel.nodes", Map.of("store.type", "redis", "redis.sentinel.master", "mymaster",
                "redis.sentinel.nodes", "10.0.0.7:26379"));
        for (Map<String, String> accepted : List.of(Map.of("redis.cluster.nodes", "10.0.0.6:7000", "redis.password", "secret"),
                Map.of("redis.cluster.nodes", "127.0.0.1:7000,localhost:7001"),
                Map.of("redis.sentinel.master", "mymaster", "redis.sentinel.nodes", "10.0.0.7:26379", "redis.password", "s"))) {
            assertDoesNotThrow(() -> StartupRules.check(load(accepted)), accepted.toString());
        }
    }

    @Test
    void everyRefusalIsNamedAtOnce() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> StartupRules.check(load(Map.of("identity.mode", "dev", "presence.allow-anonymous", "true"))));
        assertTrue(e.getMessage().contains("'identity.mode'") && e.getMessage().contains("'presence.allow-anonymous'"),
                e.getMessage());
    }

    @Test
    void theModeComesFromSpModeAndDefaultsToDev() {
        assertEquals("dev", ConfigLoader.load(Map.of(), Map.of()).get("mode").asString().get());
        assertEquals("production", ConfigLoader.load(Map.of("SP_MODE", "production"), Map.of())
                .get("mode").asString().get());
        assertEquals("dev", ConfigLoader.load(Map.of("MODE", "fast"), Map.of()).get("mode").asString().get(),
                "a bare MODE belongs to other software");
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> StartupRules.check(ConfigLoader.load(Map.of("SP_MODE", "prod"), Map.of())));
        assertTrue(e.getMessage().contains("'mode'"), e.getMessage());
    }

    @Test
    void devModeStartsWithLaptopSettingsAndWarnsOfAShortAdminToken() {
        try (LogCapture log = LogCapture.of(StartupRules.class.getName())) {
            StartupRules.check(ConfigLoader.load(Map.of(), Map.of("admin.token", "abc")));
            assertTrue(log.atLeast(Level.WARNING).stream().anyMatch(r -> r.getMessage().contains("admin.token")
                    && r.getMessage().contains("3 bytes")), "a WARN names the key and the length");
            log.records().clear();
            StartupRules.check(ConfigLoader.load(Map.of(), Map.of("admin.token", STRONG_TOKEN)));
            assertFalse(log.atLeast(Level.WARNING).stream().anyMatch(r -> r.getMessage().contains("admin.token")),
                    "no WARN for 32 bytes");
        }
    }
}
