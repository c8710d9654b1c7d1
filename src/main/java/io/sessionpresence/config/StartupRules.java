package io.sessionpresence.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

import io.helidon.config.Config;

/**
 * What {@code mode} demands of the rest of the configuration, checked before anything starts.
 * {@code dev} (the default) is made for a first run on a laptop and starts with any settings;
 * {@code production} refuses to start with a setting that is only safe on a laptop, each named
 * by its key: a weak setting that starts silently is how it reaches production unnoticed. A
 * short admin token is reported in every mode.
 */
public final class StartupRules {
    /** The shortest admin token production accepts: 256 bits, what {@code openssl rand -base64 32} gives. */
    public static final int MIN_ADMIN_TOKEN_BYTES = 32;
    private static final Logger LOG = Logger.getLogger(StartupRules.class.getName());

    private StartupRules() {
    }

    /** @throws InvalidConfigException in production mode, naming every key that is refused */
    public static void check(Config root) {
        String mode = Settings.oneOf(root, "mode", "dev", "production");
        int adminTokenBytes = Settings.string(root, "admin.token").getBytes(StandardCharsets.UTF_8).length;
        if (adminTokenBytes > 0 && adminTokenBytes < MIN_ADMIN_TOKEN_BYTES) {
            LOG.warning("admin.token (ADMIN_TOKEN) is " + adminTokenBytes + " bytes; use at least "
                    + MIN_ADMIN_TOKEN_BYTES + " random bytes (openssl rand -base64 32)");
        }
        if (!mode.equals("production")) {
            return;
        }
        List<String> refused = refusedInProduction(root, adminTokenBytes);
        if (!refused.isEmpty()) {
            throw new InvalidConfigException("mode", "production refuses "
                    + String.join("; ", refused) + " (or set mode: dev)");
        }
    }

    private static List<String> refusedInProduction(Config root, int adminTokenBytes) {
        List<String> refused = new ArrayList<>();
        if (Settings.oneOf(root, "identity.mode", "dev", "hs256", "jwks").equals("dev")) {
            refused.add("'identity.mode' dev (anyone can create a session for any user): use hs256 or jwks");
        }
        if (adminTokenBytes > 0 && adminTokenBytes < MIN_ADMIN_TOKEN_BYTES) {
            refused.add("'admin.token' shorter than " + MIN_ADMIN_TOKEN_BYTES + " bytes");
        }
        if (Settings.bool(root, "presence.allow-anonymous")) {
            refused.add("'presence.allow-anonymous' true (heartbeats that name their own user)");
        }
        if (Settings.list(root, "cors.allowed-origins").contains("*")) {
            refused.add("'cors.allowed-origins' *: list the exact origins");
        }
        if (Settings.bool(root, "realtime.query-credentials")) {
            refused.add("'realtime.query-credentials' true (tokens in /ws URLs end up in access logs)");
        }
        String redisUrl = Settings.string(root, "redis.url").trim();
        if (!redisUrl.isEmpty() && !protectedRedis(redisUrl)) {
            refused.add("'redis.url' without a password on a host other than this machine");
        }
        for (String nodes : List.of("redis.sentinel.nodes", "redis.cluster.nodes")) {
            boolean remote = Settings.list(root, nodes).stream().anyMatch(node -> !isLoopback(hostOf(node)));
            if (remote && Settings.string(root, "redis.password").isEmpty()) {
                refused.add("'" + nodes + "' on a host other than this machine without 'redis.password'");
            }
        }
        return refused;
    }

    /**
     * A password in the URL ({@code redis://[user]:password@host}; a bare {@code user@} names a
     * user only), or a loopback host (a Redis nobody else can reach).
     */
    private static boolean protectedRedis(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new InvalidConfigException("redis.url", "is not a valid URL");
        }
        String userInfo = uri.getRawUserInfo();
        int colon = userInfo == null ? -1 : userInfo.indexOf(':');
        String password = colon < 0 ? "" : userInfo.substring(colon + 1);
        return !password.isEmpty() || isLoopback(uri.getHost());
    }

    /** The host of {@code host:port} ({@code [v6]:port} too). */
    private static String hostOf(String node) {
        int colon = node.lastIndexOf(':');
        return colon > 0 ? node.substring(0, colon) : node;
    }

    private static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            // Only address literals: a name is not resolved here, and could later resolve elsewhere.
            return InetAddress.ofLiteral(literal).isLoopbackAddress();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
