package io.sessionpresence.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.config.spi.ConfigSource;

/**
 * Builds the service configuration: the defaults in {@code config/application.yaml}, overridden
 * by system properties, overridden by environment variables.
 *
 * <p>Every key can be set from the environment by its upper-cased name with {@code .} and
 * {@code -} turned into {@code _} ({@code session.max-per-user} is {@code SESSION_MAX_PER_USER}).
 * A few short names are kept from the backends this service replaces and common practice: {@code PORT},
 * {@code STORE}, {@code REMEMBER_ME_TIMEOUT}, {@code ADMIN_TOKEN}, {@code CORS_ORIGINS},
 * {@code MAX_BODY_BYTES}, and {@code SP_MODE} for {@code mode}: the upper-case rule would give
 * {@code MODE}, which other software sets too (an unrelated {@code MODE=fast} would stop
 * startup), so that one name is not read. Only known keys are mapped, so unrelated variables
 * ({@code PATH}, {@code HOME}) never leak into the configuration. A variable that looks meant for
 * this service (it starts with a section's name, {@code SESSION_}, {@code REDIS_}, ...) but names
 * no key is logged as a WARN at startup instead of being silently ignored: a typo such as
 * {@code SESSION_TIMEOUTS=60} would otherwise leave the default in force unnoticed.
 */
public final class ConfigLoader {
    private static final Logger LOG = Logger.getLogger(ConfigLoader.class.getName());
    /** Well-known variables of other software that share a section's prefix. */
    private static final Set<String> NOT_OURS = Set.of("SESSION_MANAGER");
    /** Names the upper-case rule would give that are too common elsewhere to be read (see ALIASES). */
    private static final Set<String> TOO_COMMON = Set.of("MODE");
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
            "PRESENCE_TTL", "presence.ttl",
            "SP_MODE", "mode");

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
        unmatchedVariables(base, environment).forEach(name -> LOG.warning("Environment variable " + name
                + " names no configuration key and is ignored (keys: config/application.yaml; "
                + "names: the key upper-cased, '.' and '-' as '_')"));
        List<Supplier<? extends ConfigSource>> sources = new ArrayList<>();
        sources.add(ConfigSources.create(overrides));
        sources.add(ConfigSources.create(fromEnvironment));
        sources.add(ConfigSources.systemProperties());
        // The defaults as already read: parsing the YAML again costs ~35 ms of start-up.
        sources.add(ConfigSources.create(base));
        return Config.builder()
                .sources(sources)
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .build();
    }

    static Map<String, String> environmentOverrides(Config base, Map<String, String> environment) {
        Map<String, String> byEnvName = keysByEnvName(base);
        Map<String, String> result = new HashMap<>();
        environment.forEach((name, value) -> {
            String key = byEnvName.get(name);
            if (key != null && !isListElement(key)) {
                result.put(key, value);
            }
        });
        return result;
    }

    /**
     * Variables that start with the name of a configuration section ({@code REDIS_}, ...) but map
     * to no key, in name order.
     */
    static List<String> unmatchedVariables(Config base, Map<String, String> environment) {
        Map<String, String> byEnvName = keysByEnvName(base);
        Set<String> prefixes = base.asNodeList().orElse(List.of()).stream()
                .map(section -> envName(section.name()) + "_")
                .collect(Collectors.toSet());
        return environment.keySet().stream()
                .filter(name -> prefixes.stream().anyMatch(name::startsWith))
                .filter(name -> !byEnvName.containsKey(name) && !NOT_OURS.contains(name))
                .sorted()
                .toList();
    }

    private static Map<String, String> keysByEnvName(Config base) {
        Map<String, String> byEnvName = new HashMap<>();
        base.traverse()
                .filter(node -> node.isLeaf() || node.type() == Config.Type.LIST)
                .forEach(node -> byEnvName.put(envName(node.key().toString()), node.key().toString()));
        byEnvName.keySet().removeAll(TOO_COMMON);
        byEnvName.putAll(ALIASES);
        return byEnvName;
    }

    static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static boolean isListElement(String key) {
        String last = key.substring(key.lastIndexOf('.') + 1);
        return !last.isEmpty() && last.chars().allMatch(Character::isDigit);
    }
}
