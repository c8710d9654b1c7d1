package io.sessionpresence.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.config.spi.ConfigSource;

/**
 * Builds the service configuration: the defaults in {@code config/application.yaml}, overridden
 * by system properties, overridden by environment variables.
 *
 * <p>Every key can be set from the environment by its upper-cased name with {@code .} and
 * {@code -} turned into {@code _} ({@code session.max-per-user} is {@code SESSION_MAX_PER_USER}).
 * A few short names are kept from the seeds and common practice: {@code PORT},
 * {@code STORE}, {@code REMEMBER_ME_TIMEOUT}, {@code ADMIN_TOKEN}, {@code CORS_ORIGINS},
 * {@code MAX_BODY_BYTES}. Only known keys are mapped, so unrelated variables
 * ({@code PATH}, {@code HOME}) never leak into the configuration.
 */
public final class ConfigLoader {
    /** Short environment names that do not follow the upper-case rule. */
    static final Map<String, String> ALIASES = Map.of(
            "PORT", "server.port",
            "HOST", "server.host",
            "STORE", "store.type",
            "REMEMBER_ME_TIMEOUT", "session.remember-me-timeout",
            "ADMIN_TOKEN", "admin.token",
            "CORS_ORIGINS", "cors.allowed-origins",
            "MAX_BODY_BYTES", "server.max-payload-size",
            "CACHE_TTL", "cache.ttl",
            "PRESENCE_TTL", "presence.ttl");

    private ConfigLoader() {
    }

    /** The file named by {@code -Dconfig.file}, else {@code config/application.yaml} if present. */
    public static Config load() {
        return load(System.getenv(), Map.of());
    }

    /**
     * @param environment the variables to read overrides from
     * @param overrides   highest-priority keys (tests use this to pick store, port, timeouts)
     */
    public static Config load(Map<String, String> environment, Map<String, String> overrides) {
        Path file = Path.of(System.getProperty("config.file", "config/application.yaml"));
        List<Supplier<? extends ConfigSource>> defaults = new ArrayList<>();
        if (Files.isRegularFile(file)) {
            defaults.add(ConfigSources.file(file).build());
        }
        defaults.add(ConfigSources.classpath("application.yaml").build());
        Config base = Config.builder()
                .sources(defaults)
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .build();

        Map<String, String> fromEnvironment = environmentOverrides(base, environment);
        List<Supplier<? extends ConfigSource>> sources = new ArrayList<>();
        sources.add(ConfigSources.create(overrides));
        sources.add(ConfigSources.create(fromEnvironment));
        sources.add(ConfigSources.systemProperties());
        sources.addAll(defaults);
        return Config.builder()
                .sources(sources)
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .build();
    }

    static Map<String, String> environmentOverrides(Config base, Map<String, String> environment) {
        Map<String, String> byEnvName = new HashMap<>();
        base.traverse()
                .filter(node -> node.isLeaf() || node.type() == Config.Type.LIST)
                .forEach(node -> byEnvName.put(envName(node.key().toString()), node.key().toString()));
        byEnvName.putAll(ALIASES);

        Map<String, String> result = new HashMap<>();
        environment.forEach((name, value) -> {
            String key = byEnvName.get(name);
            if (key != null && !isListElement(key)) {
                result.put(key, value);
            }
        });
        return result;
    }

    static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static boolean isListElement(String key) {
        String last = key.substring(key.lastIndexOf('.') + 1);
        return !last.isEmpty() && last.chars().allMatch(Character::isDigit);
    }
}
