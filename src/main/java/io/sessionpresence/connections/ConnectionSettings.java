package io.sessionpresence.connections;

import java.time.Duration;

import io.helidon.config.Config;
import io.sessionpresence.config.Settings;

/**
 * The {@code connections.*} keys (documented in config/application.yaml).
 *
 * @param headerTimeout      a request's headers must arrive within this of its request line
 * @param bodyTimeout        a request with a body must be received and answered within this of its headers
 * @param descriptorReserve  file descriptors kept for everything but client connections (Redis,
 *                           jars, logs): {@code server.max-tcp-connections} is lowered to leave them
 * @param maxPerAddress      open connections from one client address (not {@code limits.exempt}
 *                           or {@code presence.trusted-proxies}) past which another is refused
 */
public record ConnectionSettings(Duration headerTimeout, Duration bodyTimeout, int descriptorReserve,
                                 int maxPerAddress) {

    public static ConnectionSettings from(Config root) {
        return new ConnectionSettings(
                Duration.ofMillis(Settings.longValue(root, "connections.header-timeout-ms", 1)),
                Duration.ofMillis(Settings.longValue(root, "connections.body-timeout-ms", 1)),
                Settings.intValue(root, "connections.descriptor-reserve", 0),
                Settings.intValue(root, "connections.max-per-address", 1));
    }
}
