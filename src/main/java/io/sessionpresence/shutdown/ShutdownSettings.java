package io.sessionpresence.shutdown;

import java.time.Duration;
import java.time.format.DateTimeParseException;

import io.helidon.config.Config;
import io.sessionpresence.config.InvalidConfigException;

/**
 * How a stop is timed.
 *
 * @param drain how long readiness reports DOWN while the server still serves, before anything closes
 * @param grace the bound on the whole stop, drain included; what still runs then is cut
 */
public record ShutdownSettings(Duration drain, Duration grace) {
    static final String DRAIN = "server.shutdown-drain";
    static final String GRACE = "server.shutdown-grace";

    public ShutdownSettings {
        if (grace.compareTo(drain) <= 0) {
            throw new InvalidConfigException(GRACE, "must be longer than " + DRAIN + " (" + drain + "), got " + grace);
        }
    }

    public static ShutdownSettings from(Config config) {
        return new ShutdownSettings(duration(config, DRAIN), duration(config, GRACE));
    }

    private static Duration duration(Config config, String key) {
        String raw = config.get(key).asString().orElseThrow(() -> new InvalidConfigException(key, "is missing"));
        try {
            Duration value = Duration.parse(raw.trim());
            if (value.isNegative()) {
                throw new InvalidConfigException(key, "must not be negative, got " + raw);
            }
            return value;
        } catch (DateTimeParseException e) {
            throw new InvalidConfigException(key, "must be an ISO-8601 duration such as PT5S, got '" + raw + "'");
        }
    }

    /**
     * How long the sockets get to answer the going-away close: a quarter of what the drain
     * leaves. Another quarter is Helidon's own grace period, {@link #requestsGrace}; Helidon waits
     * up to twice it, and the last quarter is for closing the stores.
     */
    public Duration socketsWait() {
        return grace.minus(drain).dividedBy(4);
    }

    /** Helidon's {@code shutdown-grace-period}: requests in progress finish within it (and twice it in all). */
    public Duration requestsGrace() {
        return grace.minus(drain).dividedBy(4);
    }
}
