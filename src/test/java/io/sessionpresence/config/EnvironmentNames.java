package io.sessionpresence.config;

import java.util.Map;

import io.helidon.common.media.type.MediaTypes;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

/**
 * Which environment variables the service reads, for tests outside this package (the mapping in
 * {@link ConfigLoader} is package-private).
 */
public final class EnvironmentNames {
    private EnvironmentNames() {
    }

    /**
     * Whether {@link ConfigLoader} maps {@code name} onto a configuration key when the defaults are
     * {@code applicationYaml} (the text of an application.yaml), either by the upper-case rule or as
     * one of its short aliases.
     */
    public static boolean readByTheService(String applicationYaml, String name) {
        Config defaults = Config.builder()
                .addSource(ConfigSources.create(applicationYaml, MediaTypes.APPLICATION_YAML))
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .build();
        return !ConfigLoader.environmentOverrides(defaults, Map.of(name, "set")).isEmpty()
                || ConfigLoader.ALIASES.containsKey(name);
    }
}
