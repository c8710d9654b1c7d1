package io.sessionpresence.config;

import java.util.Arrays;
import java.util.List;

import io.helidon.config.Config;

/**
 * Typed, validated reads of configuration values. A bad value stops startup with a
 * {@link InvalidConfigException} that names the key.
 */
public final class Settings {
    private Settings() {
    }

    public static long seconds(Config root, String key, long min) {
        return longValue(root, key, min);
    }

    public static long longValue(Config root, String key, long min) {
        Config node = root.get(key);
        String raw = node.asString().orElseThrow(() -> new InvalidConfigException(key, "is missing"));
        long value;
        try {
            value = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(key, "must be a whole number, got '" + raw + "'");
        }
        if (value < min) {
            throw new InvalidConfigException(key, "must be >= " + min + ", got " + value);
        }
        return value;
    }

    public static int intValue(Config root, String key, int min) {
        long value = longValue(root, key, min);
        if (value > Integer.MAX_VALUE) {
            throw new InvalidConfigException(key, "is too large: " + value);
        }
        return (int) value;
    }

    public static boolean bool(Config root, String key) {
        String raw = string(root, key).trim().toLowerCase(java.util.Locale.ROOT);
        return switch (raw) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new InvalidConfigException(key, "must be true or false, got '" + raw + "'");
        };
    }

    public static String string(Config root, String key) {
        return root.get(key).asString().orElse("");
    }

    public static String oneOf(Config root, String key, String... allowed) {
        String value = string(root, key).trim().toLowerCase(java.util.Locale.ROOT);
        if (!Arrays.asList(allowed).contains(value)) {
            throw new InvalidConfigException(key, "must be one of " + String.join(", ", allowed) + ", got '" + value + "'");
        }
        return value;
    }

    /** A YAML list, or a comma-separated string (how lists arrive from environment variables). */
    public static List<String> list(Config root, String key) {
        Config node = root.get(key);
        // An override (environment, tests) gives a list as one comma-separated value; it shows as
        // the value of the YAML list node and wins over the list's elements.
        if (node.type() == Config.Type.LIST && !node.hasValue()) {
            return node.asList(String.class).orElse(List.of()).stream()
                    .map(String::trim).filter(s -> !s.isEmpty()).toList();
        }
        return Arrays.stream(node.asString().orElse("").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
